import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createDatabase, migrateSchema, type AppError } from '@ecomm/platform';
import { useTestFixture } from '@ecomm/testing';
import type { DomainClients } from '../src/clients/domain-clients.js';
import { checkoutSaga } from '../src/checkout/checkout-saga.js';
import { createCheckoutService } from '../src/checkout/checkout-service.js';
import { createSagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { runnerOptions, silentLogger } from './saga-harness.js';
import { shopper, shopWithFilledCart } from './tool-harness.js';

// The saga's own records live in the orchestrator's database, whose statements give up waiting for a lock (or a free
// connection) like every service's. A checkout that has charged and then cannot write its run must not be answered as
// if nothing happened: the run stays running, and the sweep finishes it.

const stores = useTestFixture(
  async (database) => {
    const url = database.urlFor('orchestrator');
    const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
    await migrateSchema({ url, schema: 'orchestrator', migrationsFolder });
    return { saga: createDatabase({ url, lockTimeoutMs: 200 }), other: createDatabase({ url }) };
  },
  async ({ saga, other }) => Promise.all([saga.close(), other.close()]),
);

/** A checkout whose `step` call first makes another transaction hold every run's row, as a stuck request would. */
async function checkoutHeldFrom(step: 'reserve' | 'charge') {
  const shop = await shopWithFilledCart();
  const repository = createSagaRepository(stores.saga.db);
  const holder = await stores.other.pool.connect();
  const holdRuns = async () => {
    await holder.query('begin');
    await holder.query('select id from orchestrator.saga_runs for update');
  };
  const { products, payments } = shop.clients;
  const clients: DomainClients = {
    ...shop.clients,
    products: {
      ...products,
      reserve: async (...args) => (step === 'reserve' && (await holdRuns()), products.reserve(...args)),
    },
    payments: {
      ...payments,
      charge: async (...args) => (step === 'charge' && (await holdRuns()), payments.charge(...args)),
    },
  };
  const checkout = createCheckoutService({
    runner: createSagaRunner(checkoutSaga(clients), runnerOptions(repository)),
    observer: { finished: () => undefined },
    logger: silentLogger,
    deadlineMs: 30_000,
  });
  /** Lets the rows go; then, as the sweep would, takes the run over and drives it to its end. */
  const sweep = async (sagaId: string) => {
    await holder.query('rollback');
    const owner = await repository.claimStale(0);
    assert.equal(owner?.sagaId, sagaId);
    return createSagaRunner(checkoutSaga(shop.clients), runnerOptions(repository)).resume(owner!);
  };
  const done = async () => {
    await holder.query('rollback').catch(() => undefined);
    holder.release();
  };
  return { shop, checkout, sweep, done };
}

test('paid, then the run cannot be written (its row held past the lock timeout): 202 processing, finished by the sweep', async () => {
  const { shop, checkout, sweep, done } = await checkoutHeldFrom('charge');
  try {
    const answer = await checkout.checkout(shopper);
    assert.equal(answer.status, 'processing', JSON.stringify(answer));
    assert.equal([...shop.payments.values()].filter((payment) => payment.order_id === answer.order_id).length, 1);

    const finished = await sweep(answer.saga_id);
    assert.equal(finished.status, 'completed');
    assert.equal(shop.orders.get(answer.order_id)!.status, 'paid');
    assert.equal(shop.payments.size, 1, 'charged once');
  } finally {
    await done();
  }
});

test('before the payment, the run cannot be written: 503, nothing charged, and the sweep undoes it', async () => {
  const { shop, checkout, sweep, done } = await checkoutHeldFrom('reserve');
  try {
    const refused = await checkout.checkout(shopper).then(
      () => assert.fail('answered as if it went through'),
      (error: AppError) => error,
    );
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.code, 'CHECKOUT_INTERRUPTED');
    assert.match(refused.message, /Nothing was charged/);
    assert.equal(shop.payments.size, 0);

    const undone = await sweep((refused.details as { saga_id: string }).saga_id);
    assert.equal(undone.status, 'compensated');
    assert.deepEqual(
      [...shop.products.values()].map((product) => product.stock),
      [10, 3],
    );
    assert.equal(shop.carts.get(shopper.sessionId)!.status, 'open');
  } finally {
    await done();
  }
});
