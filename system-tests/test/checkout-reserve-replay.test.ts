import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { checkoutSaga, type CheckoutData, type CheckoutInput } from '@ecomm/orchestrator-service/checkout-saga';
import { createDomainClients } from '@ecomm/orchestrator-service/domain-clients';
import type { CheckoutClaim } from '@ecomm/contracts';
import { isAppError } from '@ecomm/platform';
import { startTestCluster, testSecrets, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import { domainServices, shopClient, urlsOf, type Shop } from './checkout-fixtures.js';

const database = useTestDatabase();
let cluster: TestCluster;
let shop: Shop;
let clients: ReturnType<typeof createDomainClients>;

useTestFixture(
  async () => {
    cluster = await startTestCluster({ product: domainServices.product }, database);
    shop = shopClient(urlsOf(cluster, 'http://127.0.0.1:9'));
    const unused = 'http://127.0.0.1:9';
    clients = createDomainClients({
      ORDER_SERVICE_URL: unused,
      PAYMENT_SERVICE_URL: unused,
      SESSION_SERVICE_URL: unused,
      AUTH_SERVICE_URL: unused,
      ...cluster.serviceUrls,
      INTERNAL_API_KEY: testSecrets.INTERNAL_API_KEY,
      SERVICE_TIMEOUT_MS: 5_000,
      PAYMENT_TIMEOUT_MS: 5_000,
    } as unknown as Parameters<typeof createDomainClients>[0]);
  },
  async () => {
    await clients?.close();
    await cluster.stop();
  },
  database,
);

test('reserve_stock replayed after its reservation was released is a failure, not a success', async () => {
  const reserveStock = checkoutSaga(clients).steps.find((step) => step.name === 'reserve_stock')!;
  const laptop = await shop.createProduct('Laptop', 999.99, 5);
  const sagaId = randomUUID();
  const context = {
    sagaId,
    input: {} as CheckoutInput,
    data: {
      claim: { items: [{ product_id: laptop.id, quantity: 2 }] } as unknown as CheckoutClaim,
    } satisfies Partial<CheckoutData>,
    idempotencyKey: (suffix?: string) => [sagaId, 'reserve_stock', suffix].filter(Boolean).join(':'),
  };
  const { reservation } = await reserveStock.run(context);
  assert.equal(reservation!.status, 'reserved');
  assert.equal(await shop.stockOf(laptop.id), 3);

  // Another owner undid the run; this one's retry with the same key gets the first (stored) answer back.
  await reserveStock.compensate!(context);
  await assert.rejects(
    reserveStock.run(context),
    (error) => isAppError(error) && error.code === 'RESERVATION_RELEASED',
  );
  assert.equal(await shop.stockOf(laptop.id), 5, 'the stock is back and stays back');
});
