import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { authService } from '@ecomm/auth-service/service';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { orderService } from '@ecomm/order-service/service';
import { paymentService } from '@ecomm/payment-service/service';
import { productService } from '@ecomm/product-service/service';
import { sessionService } from '@ecomm/session-service/service';
import { startTestCluster, testSecrets, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import { loadDataset, type EvalCase } from '../src/dataset-schema.js';
import { createJudge } from '../src/judge.js';
import { runEvals } from '../src/runner.js';
import type { ShopTarget } from '../src/shop-client.js';
import { startFakeJudge } from './fake-openai.js';

// The runner end to end: the six real services over HTTP (offline model), real sign-ups, real state read back.

const database = useTestDatabase();
let cluster: TestCluster;
let target: ShopTarget;
const dataset = loadDataset();
const pick = (...names: string[]) =>
  names.map((name) => structuredClone(dataset.find((evalCase) => evalCase.name === name)!));

useTestFixture(
  async () => {
    cluster = await startTestCluster(
      {
        auth: authService,
        product: productService,
        order: orderService,
        payment: paymentService,
        session: sessionService,
        orchestrator: orchestratorService,
      },
      database,
      {
        auth: { RATE_LIMIT_AUTH: '1000/minute', BCRYPT_ROUNDS: '4' },
        product: { ALLOW_TEST_RESET: 'true' },
        orchestrator: { LLM_PROVIDER: 'offline', RATE_LIMIT_CHAT: '1000/minute' },
      },
    );
    target = { urls: cluster.urls as ShopTarget['urls'], internalApiKey: testSecrets.INTERNAL_API_KEY };
  },
  async () => {
    await cluster.stop();
  },
  database,
);

test('after-purchase cases: the operator fulfils, and cancellations and returns are graded on the database', async () => {
  const cases = pick('cancel-last-order-confirmed', 'return-2-of-5-balls', 'cancel-shipped-refused');
  const { report } = await runEvals({ target, cases, progress: null, reportDirectory: null });
  assert.deepEqual(
    report.cases.map((result) => [result.name, result.runs.map((run) => run.failures)]),
    [
      ['cancel-last-order-confirmed', [[]]],
      ['return-2-of-5-balls', [[]]],
      ['cancel-shipped-refused', [[]]],
    ],
  );
  const returned = report.cases[1]!.runs[0]!.observation!.shoppers.shopper!;
  assert.deepEqual(returned.orders[0]!.returned, [{ product: 'Tennis Ball', quantity: 2 }]);
  assert.deepEqual([returned.payments[0]!.status, returned.payments[0]!.refunded], ['partially_refunded', 10]);
  const broken = structuredClone(cases[1]!);
  broken.expect.shoppers.shopper!.payments[0]!.refunded = 25;
  const { report: failed } = await runEvals({ target, cases: [broken], progress: null, reportDirectory: null });
  assert.deepEqual(failed.cases[0]!.runs[0]!.failures, [
    'payments: partially_refunded $25.00 ($10.00 refunded), expected partially_refunded $25.00 ($25.00 refunded)',
  ]);
});

test('dataset cases pass on the offline model, and the report records them with pass^k', async () => {
  const reportDirectory = mkdtempSync(join(tmpdir(), 'evals-report-'));
  const cases = pick('buy-by-full-name', 'price-tie-asks', 'other-user-cannot-touch-cart');
  const { passed, report, reportPath } = await runEvals({ target, cases, repeat: 2, progress: null, reportDirectory });
  assert.deepEqual(
    report.cases.map((result) => [result.name, result.runs.map((run) => run.failures)]),
    [
      ['buy-by-full-name', [[], []]],
      ['price-tie-asks', [[], []]],
      ['other-user-cannot-touch-cart', [[], []]],
    ],
  );
  assert.equal(passed, true);
  assert.deepEqual(report.models, ['offline-planner']);
  const saved = JSON.parse(readFileSync(reportPath!, 'utf8')) as typeof report;
  assert.deepEqual(saved.summary.pass_hat, { 'pass^1': 1, 'pass^2': 1 });
  const purchase = saved.cases[0]!.runs[0]!;
  assert.equal(purchase.model_calls, 6);
  assert.deepEqual(purchase.observation!.stock['MacBook Pro'], { before: 10, after: 9 });
  const intruderTurns = saved.cases[2]!.runs[0]!.observation!.turns.filter((turn) => turn.user === 'intruder');
  assert.deepEqual(
    intruderTurns.map((turn) => [turn.status, turn.session_of]),
    [
      [403, 'shopper'],
      [403, 'shopper'],
      [403, 'shopper'],
    ],
  );
});

test('a deliberately broken expectation fails with a readable reason', async () => {
  const [broken] = pick('buy-by-full-name') as [EvalCase];
  broken.expect.shoppers.shopper!.orders[0]!.total = 1999;
  broken.expect.stock_changes = { 'MacBook Pro': -2 };
  broken.turns[0]!.reply_contains.push('Total paid: $1,999.00');
  const { passed, report } = await runEvals({ target, cases: [broken], progress: null, reportDirectory: null });
  assert.equal(passed, false);
  const [failures] = report.cases.map((result) => result.runs[0]!.failures);
  assert.equal(failures!.length, 3);
  assert.match(
    failures![0]!,
    /^turn 1: reply lacks "Total paid: \$1,999\.00" \(reply: "Here is what I found for "macbook pro"/,
  );
  assert.equal(failures![1], 'order 1: total $2,000.00, expected $1,999.00');
  assert.equal(failures![2], 'stock of MacBook Pro: 10 → 9 (-1), expected -2');
});

test("when the judge disagrees, a case whose state checks pass still fails, with the judge's reason", async () => {
  const fake = await startFakeJudge(() => ({ reasoning: 'The reply never states the order total.', verdict: 'fail' }));
  try {
    const judge = createJudge({ model: 'fake-judge', apiKey: 'sk-test', baseUrl: fake.baseUrl });
    const { passed, report } = await runEvals({
      target,
      cases: pick('add-without-buying'),
      judge,
      progress: null,
      reportDirectory: null,
    });
    assert.equal(passed, false);
    assert.deepEqual(report.cases[0]!.runs[0]!.failures, ['judge: The reply never states the order total.']);
    assert.equal(report.judge, 'fake-judge');
    assert.match(
      fake.requests[0]!.messages[1]!.content ?? '',
      /Turn 1, shopper: Add 2 tennis balls to my cart\nHTTP 200\. Assistant: Added 2 × Tennis Ball/,
    );
  } finally {
    await fake.close();
  }
});
