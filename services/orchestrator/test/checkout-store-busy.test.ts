import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createDatabase, migrateSchema } from '@ecomm/platform';
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

test('paid, then the run cannot be written (its row held past the lock timeout): 202 processing, finished by the sweep', async () => {
  const shop = await shopWithFilledCart();
  const repository = createSagaRepository(stores.saga.db);
  // Another transaction holds every run's row from the charge on, as a stuck request would.
  const holder = await stores.other.pool.connect();
  const clients: DomainClients = {
    ...shop.clients,
    payments: {
      ...shop.clients.payments,
      charge: async (...args) => {
        await holder.query('begin');
        await holder.query('select id from orchestrator.saga_runs for update');
        return shop.clients.payments.charge(...args);
      },
    },
  };
  const checkout = createCheckoutService({
    runner: createSagaRunner(checkoutSaga(clients), runnerOptions(repository)),
    observer: { finished: () => undefined },
    logger: silentLogger,
    deadlineMs: 30_000,
  });

  try {
    const answer = await checkout.checkout(shopper);
    assert.equal(answer.status, 'processing', JSON.stringify(answer));
    assert.equal([...shop.payments.values()].filter((payment) => payment.order_id === answer.order_id).length, 1);

    await holder.query('rollback');
    const owner = await repository.claimStale(0);
    assert.equal(owner?.sagaId, answer.saga_id);
    const finished = await createSagaRunner(checkoutSaga(shop.clients), runnerOptions(repository)).resume(owner!);
    assert.equal(finished.status, 'completed');
    assert.equal(shop.orders.get(answer.order_id)!.status, 'paid');
    assert.equal(shop.payments.size, 1, 'charged once');
  } finally {
    await holder.query('rollback').catch(() => undefined);
    holder.release();
  }
});
