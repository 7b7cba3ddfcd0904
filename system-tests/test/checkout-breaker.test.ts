import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { startTestCluster, startTestService, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import { domainServices, quickRecovery, shopClient, testHooks, urlsOf, type Shop } from './checkout-fixtures.js';
import { expectUntouched, snapshot } from './checkout-invariants.js';

/** A service that accepts every request and never answers, until `recover()` points it at the real one. */
async function startHungService(target: string) {
  let hung = true;
  let received = 0;
  const waiting: ServerResponse[] = [];
  const server = createServer((request, reply) => {
    if (hung) {
      received++;
      waiting.push(reply);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      void fetch(`${target}${request.url}`, { method: request.method!, headers, ...(body.length > 0 ? { body } : {}) })
        .then(async (answer) =>
          reply
            .writeHead(answer.status, { 'content-type': 'application/json' })
            .end(Buffer.from(await answer.arrayBuffer())),
        )
        .catch(() => reply.destroy());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    recover: () => (hung = false),
    close: () => {
      for (const reply of waiting) reply.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const database = useTestDatabase();
let cluster: TestCluster;
let payment: Awaited<ReturnType<typeof startHungService>>;
let orchestrator: Awaited<ReturnType<typeof startTestService>>;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, { payment: testHooks.payment });
    payment = await startHungService(cluster.urls.payment!);
    orchestrator = await startTestService(orchestratorService, database, {
      ...cluster.serviceUrls,
      ...testHooks.orchestrator,
      ...quickRecovery,
      PAYMENT_SERVICE_URL: payment.url,
      PAYMENT_TIMEOUT_MS: '300',
      CIRCUIT_BREAKER_THRESHOLD: '3',
      CIRCUIT_BREAKER_HALF_OPEN_AFTER_MS: '5000',
    });
    shop = shopClient(urlsOf(cluster, orchestrator.url));
  },
  async () => {
    await payment.close();
    await orchestrator.app.close();
    await cluster.stop();
  },
  database,
);

async function breakerState(upstream: string) {
  const text = await (await fetch(`${orchestrator.url}/metrics`)).text();
  const found = new RegExp(`^ecomm_circuit_breaker_state\\{[^}]*upstream="${upstream}"[^}]*\\} (\\d)$`, 'm').exec(text);
  assert.ok(found, `no breaker state for ${upstream} in\n${text}`);
  return Number(found[1]);
}

describe('a payment service that accepts and never answers', () => {
  test('opens its breaker after 3 timeouts; later charges fail fast; the runs are undone once it is back', async () => {
    assert.equal(await breakerState('payment'), 0, 'closed to begin with');
    const product = await shop.createProduct('Blender', 89, 6);
    const first = await shop.newShopper([{ product, quantity: 1 }]);
    const second = await shop.newShopper([{ product, quantity: 2 }]);
    const firstBefore = await snapshot(shop, first);
    const secondBefore = await snapshot(shop, second);

    // The charge may have reached the service: the outcome is in doubt, left for the sweep.
    const firstReply = await shop.checkout(first);
    assert.equal(firstReply.status, 202, JSON.stringify(firstReply.body));
    assert.equal(payment.received(), 3, 'three attempts reached the hung service, then the breaker opened');
    assert.equal(await breakerState('payment'), 2, 'open');

    const secondReply = await shop.checkout(second);
    assert.equal(secondReply.status, 202, JSON.stringify(secondReply.body));
    assert.equal(payment.received(), 3, 'the open breaker refused the second charge without calling the service');

    // Back: the breaker lets a test call through, closes, and the sweep finds no charge and undoes both runs.
    payment.recover();
    for (const shopper of [first, second]) {
      const run = await shop.waitForSaga(
        shopper.sessionId,
        (candidate) => !['running', 'compensating'].includes(candidate.status),
        60_000,
      );
      assert.equal(run.status, 'compensated', JSON.stringify(run.steps));
    }
    await expectUntouched(shop, first, firstBefore, false);
    await expectUntouched(shop, second, secondBefore, false);
    assert.equal(await shop.stockOf(product.id), 6);
    assert.equal(await breakerState('payment'), 0, 'closed again');
  });
});
