import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDomainClients } from '@ecomm/orchestrator-service/domain-clients';
import { cancellationSaga } from '@ecomm/orchestrator-service/cancellation-saga';
import { createOrderService, type OrderService } from '@ecomm/orchestrator-service/order-service';
import { createOrderTools } from '@ecomm/orchestrator-service/order-tools';
import { returnSaga } from '@ecomm/orchestrator-service/return-saga';
import { createSagaRepository } from '@ecomm/orchestrator-service/saga-repository';
import { createSagaRunner } from '@ecomm/orchestrator-service/saga-runner';
import type { Order } from '@ecomm/contracts';
import { createDatabase, isAppError, type DatabaseConnection } from '@ecomm/platform';
import { testSecrets, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import { startShop, type Shop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase } from './order-fixtures.js';

const database = useTestDatabase();
let cluster: TestCluster;
let shop: Shop;
let connection: DatabaseConnection;
let clients: ReturnType<typeof createDomainClients>;
let orders: OrderService;

// The order domain as the chat and MCP tools call it, over real HTTP to the real services and the orchestrator's
// own saga tables: what a replayed tool call (a crash before its result was saved) would do.
useTestFixture(
  async () => {
    ({ cluster, shop } = await startShop(database));
    connection = createDatabase({ url: database.urlFor('orchestrator') });
    clients = createDomainClients({
      AUTH_SERVICE_URL: 'http://127.0.0.1:9',
      ...cluster.serviceUrls,
      INTERNAL_API_KEY: testSecrets.INTERNAL_API_KEY,
      SERVICE_TIMEOUT_MS: 5_000,
      PAYMENT_TIMEOUT_MS: 5_000,
      CIRCUIT_BREAKER_THRESHOLD: 1_000,
      CIRCUIT_BREAKER_HALF_OPEN_AFTER_MS: 1_000,
    } as unknown as Parameters<typeof createDomainClients>[0]);
    const runnerOptions = {
      repository: createSagaRepository(connection.db),
      logger: cluster.apps.orchestrator!.log,
      heartbeatMs: 1_000,
      attempts: 3,
      backoffMs: 10,
    };
    orders = createOrderService({
      clients,
      cancellations: createSagaRunner(cancellationSaga(clients), runnerOptions),
      returns: createSagaRunner(returnSaga(clients), runnerOptions),
      observer: { finished: () => undefined },
    });
  },
  async () => {
    await clients?.close();
    await connection?.close();
    await cluster.stop();
  },
  database,
);

const returned = async (shopper: { token: string }, orderId: string) =>
  ((await orderClient(shop).get(shopper, orderId)).body.lines as Array<{ returned_quantity: number }>)[0]!
    .returned_quantity;

test('a return replayed with its operation id returns once; another id returns the rest, then is refused', async () => {
  const balls = await shop.createProduct('Balls', 3.33, 10);
  const { shopper, orderId } = await purchase(shop, [{ product: balls, quantity: 4 }], 'delivered');
  const lines = [{ product_id: balls.id, quantity: 2 }];

  const first = await orders.returnItems(shopper.userId, orderId, lines, { operationId: 'tool-call-1' });
  const replay = await orders.returnItems(shopper.userId, orderId, lines, { operationId: 'tool-call-1' });
  assert.deepEqual([first.status, first.refund_amount], ['completed', 6.66]);
  assert.deepEqual([replay.status, replay.saga_id, replay.refund_amount], ['completed', first.saga_id, 6.66]);
  assert.equal(await returned(shopper, orderId), 2, 'the replay returned nothing more');
  assert.equal((await shop.paymentsFor(orderId))[0]!.refunded_amount, 6.66);
  await expectConsistent(shop, [orderId], new Map([[balls.id, 10]]));

  const rest = await orders.returnItems(shopper.userId, orderId, lines, { operationId: 'tool-call-2' });
  assert.deepEqual([rest.status, rest.refund_amount, rest.order.status], ['completed', 6.66, 'returned']);
  await assert.rejects(
    orders.returnItems(shopper.userId, orderId, lines, { operationId: 'tool-call-3' }),
    (error) => isAppError(error) && error.statusCode === 409,
  );
  await expectConsistent(shop, [orderId], new Map([[balls.id, 10]]));
});

test('an Idempotency-Key sent again for other lines once its stored answer expired is refused, not answered with the first return', async () => {
  const racket = await shop.createProduct('Racket', 120.5, 5);
  const balls = await shop.createProduct('Balls', 3.33, 10);
  const { shopper, orderId } = await purchase(
    shop,
    [
      { product: racket, quantity: 1 },
      { product: balls, quantity: 2 },
    ],
    'delivered',
  );
  const key = { 'idempotency-key': 'my-return' };
  const first = await orderClient(shop).returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }], key);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  // A day later its stored answer is pruned (IDEMPOTENCY_TTL_HOURS), as the orchestrator's own sweep does.
  await connection.pool.query('delete from orchestrator.idempotency_keys');
  const other = await orderClient(shop).returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 1 }], key);
  assert.deepEqual([other.status, other.body.code], [422, 'UNPROCESSABLE'], JSON.stringify(other.body));
  const order = (await orderClient(shop).get(shopper, orderId)).body as Order;
  assert.deepEqual(
    order.lines.map((line) => line.returned_quantity),
    [1, 0],
  );
  // The first request again, once the key's answers expired too, is still the first return, answered once.
  await connection.pool.query('delete from orchestrator.idempotency_keys');
  const replay = await orderClient(shop).returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }], key);
  assert.deepEqual([replay.status, replay.body.saga_id], [200, first.body.saga_id]);
  await expectConsistent(
    shop,
    [orderId],
    new Map([
      [racket.id, 5],
      [balls.id, 10],
    ]),
  );
});

test('a cancellation replayed with its operation id answers the first result; the same id of another user is theirs', async () => {
  const racket = await shop.createProduct('Racket', 120.5, 5);
  const { shopper, orderId } = await purchase(shop, [{ product: racket, quantity: 1 }]);
  const first = await orders.cancelOrder(shopper.userId, orderId, { operationId: 'confirmation-nonce' });
  const replay = await orders.cancelOrder(shopper.userId, orderId, { operationId: 'confirmation-nonce' });
  assert.deepEqual(
    [replay.status, replay.saga_id, replay.refund_amount, replay.order.status],
    ['completed', first.saga_id, 120.5, 'cancelled'],
  );
  // Without an operation id (or with a new one) the rules answer: it is already cancelled.
  await assert.rejects(
    orders.cancelOrder(shopper.userId, orderId),
    (error) => isAppError(error) && error.statusCode === 409,
  );
  await expectConsistent(shop, [orderId], new Map([[racket.id, 5]]));

  const other = await purchase(shop, [{ product: racket, quantity: 1 }]);
  const theirs = await orders.cancelOrder(other.shopper.userId, other.orderId, { operationId: 'confirmation-nonce' });
  assert.notEqual(theirs.saga_id, first.saga_id);
  await expectConsistent(shop, [orderId, other.orderId], new Map([[racket.id, 5]]));
});

test('an operation undone entirely (nothing refunded) is tried again under the same id, then replays that try', async () => {
  const racket = await shop.createProduct('Racket', 120.5, 5);
  const { shopper, orderId } = await purchase(shop, [{ product: racket, quantity: 1 }]);
  const failing = { operationId: 'tool-call-undone', fault: { step: 'refund_payment', mode: 'error' as const } };
  await assert.rejects(
    orders.cancelOrder(shopper.userId, orderId, failing),
    (error) => isAppError(error) && error.statusCode === 502,
  );
  const retried = await orders.cancelOrder(shopper.userId, orderId, { operationId: 'tool-call-undone' });
  const replay = await orders.cancelOrder(shopper.userId, orderId, { operationId: 'tool-call-undone' });
  assert.deepEqual([retried.status, replay.saga_id, replay.order.status], ['completed', retried.saga_id, 'cancelled']);
  await expectConsistent(shop, [orderId], new Map([[racket.id, 5]]));
});

test('the chat order tools take only an order id shaped as one, and say so in words a model can act on', async () => {
  const getOrder = createOrderTools(orders).find((each) => each.name === 'get_order')!;
  const config = { configurable: { user_id: 'someone', session_id: 'a-session' } };
  await assert.rejects(
    getOrder.invoke({ order_id: 'my last order' }, config),
    /must be an order id \(a UUID\) as list_orders returns it/,
  );
});
