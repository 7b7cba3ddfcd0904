import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { datasetSchema, families, loadDataset } from '../src/dataset-schema.js';
import { sampleCase } from './sample-case.js';

const dataset = loadDataset();

describe('the shipped dataset', () => {
  test('validates against the schema, with at least 30 cases of unique names', () => {
    assert.ok(dataset.length >= 30, `${dataset.length} cases`);
    assert.equal(new Set(dataset.map((evalCase) => evalCase.name)).size, dataset.length);
  });

  test('covers every family with several cases', () => {
    for (const family of families) {
      const count = dataset.filter((evalCase) => evalCase.family === family).length;
      assert.ok(count >= 5, `${family} has ${count} cases`);
    }
  });

  test('has multi-turn conversations, several users, and a turn that must be refused with 403', () => {
    assert.ok(dataset.filter((evalCase) => evalCase.turns.length > 1).length >= 10);
    assert.ok(dataset.some((evalCase) => Object.keys(evalCase.expect.shoppers).length > 1));
    assert.ok(dataset.some((evalCase) => evalCase.turns.some((turn) => turn.status === 403 && turn.session_of)));
  });

  test('grades after-purchase cases on order statuses, returned units, refunds and fulfilment', () => {
    const orders = dataset.flatMap((evalCase) =>
      Object.values(evalCase.expect.shoppers).flatMap((shopper) => shopper.orders),
    );
    for (const status of ['shipped', 'delivered', 'cancelled', 'partially_returned', 'returned']) {
      assert.ok(
        orders.some((order) => order.status === status),
        `an order ends ${status}`,
      );
    }
    const payments = dataset.flatMap((evalCase) =>
      Object.values(evalCase.expect.shoppers).flatMap((shopper) => shopper.payments),
    );
    assert.ok(payments.some((payment) => payment.status === 'partially_refunded' && payment.refunded > 0));
    assert.ok(dataset.filter((evalCase) => evalCase.turns.some((turn) => turn.fulfil === 'delivered')).length >= 10);
  });
});

describe('the schema', () => {
  const raw = () => JSON.parse(JSON.stringify(sampleCase())) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const problems = (cases: unknown[]) => {
    const result = datasetSchema.safeParse(cases);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  test('rejects a product that is not in the catalog fixture', () => {
    const evalCase = raw();
    evalCase.expect.shoppers.shopper.cart = [{ product: 'Unicorn', quantity: 1 }];
    assert.match(
      problems([evalCase]).join('\n'),
      /0\.expect\.shoppers\.shopper\.cart\.0\.product: must be a product of the catalog fixture/,
    );
  });

  test('rejects a user without expectations, an expectation without a user, and a session used before its owner spoke', () => {
    const evalCase = raw();
    evalCase.turns.unshift({ message: 'Checkout', user: 'intruder', session_of: 'shopper', status: 403 });
    evalCase.expect.shoppers.ghost = { orders: [], payments: [], cart: [] };
    assert.deepEqual(problems([evalCase]), [
      '0.turns.0.session_of: "shopper" has not sent a message before this turn',
      '0.expect.shoppers: must state what "intruder" ends with',
      '0.expect.shoppers.ghost: sends no turn',
    ]);
  });

  test('rejects duplicate names and unknown fields', () => {
    const typo = { ...raw(), expected_behaviour: 'British spelling' };
    assert.deepEqual(problems([raw(), raw()]), ['1.name: "buy-macbook" is used twice']);
    assert.match(problems([typo]).join('\n'), /Unrecognized key: "expected_behaviour"/);
  });

  test('loadDataset stops with every problem and its path', () => {
    const evalCase = raw();
    evalCase.family = 'shopping';
    delete evalCase.expect.shoppers.shopper.payments;
    const file = join(mkdtempSync(join(tmpdir(), 'evals-dataset-')), 'dataset.json');
    writeFileSync(file, JSON.stringify([evalCase]));
    assert.throws(
      () => loadDataset(file),
      /is invalid:\n {2}- 0\.family: .*\n {2}- 0\.expect\.shoppers\.shopper\.payments: /,
    );
  });
});
