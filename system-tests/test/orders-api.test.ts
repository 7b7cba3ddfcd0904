import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Product } from '@ecomm/contracts';
import { beforeTests, signTestToken } from '@ecomm/testing';
import { useShop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, settled, type OrderClient } from './order-fixtures.js';

const shop = useShop();
let orders: OrderClient;
let racket: Product;
let balls: Product;
const start = new Map<number, number>();
const placed: string[] = [];

/** Racket ×1 and balls ×5 bought by a new shopper, moved on to `stage`. */
async function buyKit(stage: 'paid' | 'shipped' | 'delivered' = 'paid') {
  const bought = await purchase(
    shop,
    [
      { product: racket, quantity: 1 },
      { product: balls, quantity: 5 },
    ],
    stage,
  );
  placed.push(bought.orderId);
  return bought;
}

beforeTests(async () => {
  orders = orderClient(shop);
  racket = await shop.createProduct('Racket', 120.5, 100);
  balls = await shop.createProduct('Tennis balls', 3.33, 500);
  start.set(racket.id, 100).set(balls.id, 500);
});

describe('reading my orders', () => {
  test('newest first, paginated, only mine; another user’s order is a 404 and no token a 401', async () => {
    const first = await buyKit();
    const second = await purchase(shop, [{ product: balls, quantity: 1 }]);
    placed.push(second.orderId);
    const page = await orders.list(first.shopper);
    assert.equal(page.status, 200);
    assert.deepEqual(
      (page.body.items as Array<{ order_id: string }>).map((order) => order.order_id),
      [first.orderId],
    );
    const mine = await orders.get(first.shopper, first.orderId);
    assert.deepEqual([mine.status, mine.body.status, mine.body.total], [200, 'paid', 137.15]);
    assert.equal((await orders.get(second.shopper, first.orderId)).status, 404);
    const anonymous = await fetch(`${shop.urls.orchestrator}/orders`);
    assert.equal(anonymous.status, 401);

    // Two more orders by the same shopper: newest first, one per page.
    const later = await purchase(shop, [{ product: racket, quantity: 1 }], 'paid', first.shopper.userId);
    const latest = await purchase(shop, [{ product: balls, quantity: 2 }], 'paid', first.shopper.userId);
    placed.push(later.orderId, latest.orderId);
    const pages = [
      await orders.list(first.shopper, '?limit=1&offset=0'),
      await orders.list(first.shopper, '?limit=1&offset=2'),
    ];
    assert.deepEqual(
      pages.map((reply) => [
        reply.body.total,
        (reply.body.items as Array<{ order_id: string }>).map((order) => order.order_id),
      ]),
      [
        [3, [latest.orderId]],
        [3, [first.orderId]],
      ],
    );
    await expectConsistent(shop, placed, start);
  });
});

describe('cancelling', () => {
  test('a paid order: refunded in full, stock back, order cancelled; a second cancel is a 409', async () => {
    const { shopper, orderId } = await buyKit();
    const cancelled = await orders.cancel(shopper, orderId);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.deepEqual(
      [cancelled.body.status, cancelled.body.refund_amount, (cancelled.body.order as { status: string }).status],
      ['completed', 137.15, 'cancelled'],
    );
    const again = await orders.cancel(shopper, orderId);
    assert.deepEqual(
      [again.status, again.body.code, again.body.message],
      [409, 'ORDER_CANCELLED', `Order ${orderId} is already cancelled`],
    );
    await expectConsistent(shop, placed, start);

    const metrics = await (await fetch(`${shop.urls.orchestrator}/metrics`)).text();
    assert.match(
      metrics,
      /^ecomm_order_operations_total\{operation="cancellation",outcome="completed",service="orchestrator"\} 1$/m,
    );
    assert.match(metrics, /^ecomm_refunds_total\{operation="cancellation",service="orchestrator"\} 1$/m);
    assert.match(metrics, /^ecomm_refunded_amount_total\{operation="cancellation",service="orchestrator"\} 137\.15$/m);
  });

  test('Idempotency-Key: a retry answers the first response and cancels nothing more; the key is per caller', async () => {
    const { shopper, orderId } = await buyKit();
    const first = await orders.cancel(shopper, orderId, { 'idempotency-key': 'cancel-1' });
    const retry = await orders.cancel(shopper, orderId, { 'idempotency-key': 'cancel-1' });
    assert.deepEqual([first.status, retry.status], [200, 200]);
    assert.deepEqual(retry.body, first.body);
    const other = await buyKit();
    const sameKeyOtherUser = await orders.cancel(other.shopper, other.orderId, { 'idempotency-key': 'cancel-1' });
    assert.deepEqual([sameKeyOtherUser.status, sameKeyOtherUser.body.order_id], [200, other.orderId]);
    await expectConsistent(shop, placed, start);
  });

  test('a shipped order cannot be cancelled, with a message the shopper can act on; nothing changes', async () => {
    const { shopper, orderId } = await buyKit('shipped');
    const refused = await orders.cancel(shopper, orderId);
    assert.deepEqual([refused.status, refused.body.code], [409, 'ORDER_SHIPPED']);
    assert.match(
      refused.body.message!,
      /has already shipped, so it can no longer be cancelled; once it is delivered you can return its items/,
    );
    await expectConsistent(shop, placed, start);
  });

  test('someone else’s order is a 404 and is left alone', async () => {
    const { orderId } = await buyKit();
    const stranger = { token: await signTestToken('stranger') };
    assert.equal((await orders.cancel(stranger, orderId)).status, 404);
    assert.equal((await orders.returnItems(stranger, orderId, [{ product_id: balls.id, quantity: 1 }])).status, 404);
    await expectConsistent(shop, placed, start);
  });
});

describe('returning', () => {
  test('2 of the 5 balls, then the rest: exact cents refunded, units restocked, partially_returned then returned', async () => {
    const { shopper, orderId } = await buyKit('delivered');
    const some = await orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 2 }]);
    assert.equal(some.status, 200, JSON.stringify(some.body));
    assert.deepEqual(
      [some.body.refund_amount, (some.body.order as { status: string }).status],
      [6.66, 'partially_returned'],
    );
    await expectConsistent(shop, placed, start);

    const rest = await orders.returnItems(shopper, orderId, [
      { product_id: balls.id, quantity: 3 },
      { product_id: racket.id, quantity: 1 },
    ]);
    assert.deepEqual(
      [rest.status, rest.body.refund_amount, (rest.body.order as { status: string }).status],
      [200, 130.49, 'returned'],
    );
    const nothingLeft = await orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 1 }]);
    assert.deepEqual([nothingLeft.status, nothingLeft.body.code], [409, 'ORDER_RETURNED']);
    await expectConsistent(shop, placed, start);
  });

  test('refused outside the rules: before delivery, more than bought, a product not in the order, bad input', async () => {
    const { shopper, orderId } = await buyKit('shipped');
    const early = await orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 1 }]);
    assert.deepEqual([early.status, early.body.code], [409, 'ORDER_NOT_DELIVERED']);
    assert.equal((await orders.deliver(orderId)).status, 200);
    const tooMany = await orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 6 }]);
    assert.deepEqual(
      [tooMany.status, tooMany.body.message],
      [409, `Only 5 of ${balls.name} can be returned from order ${orderId} (5 bought)`],
    );
    const stranger = await orders.returnItems(shopper, orderId, [{ product_id: 999_999, quantity: 1 }]);
    assert.deepEqual([stranger.status, stranger.body.code], [409, 'NOT_IN_ORDER']);
    const empty = await orders.returnItems(shopper, orderId, []);
    assert.equal(empty.status, 400);
    await settled(shop, orderId);
    await expectConsistent(shop, placed, start);
  });
});

describe('concurrency', () => {
  test('two cancels of one order: exactly one wins, refunded once', async () => {
    const { shopper, orderId } = await buyKit();
    const replies = await Promise.all([orders.cancel(shopper, orderId), orders.cancel(shopper, orderId)]);
    assert.deepEqual(
      replies.map((reply) => reply.status).sort(),
      [200, 409],
      JSON.stringify(replies.map((reply) => reply.body)),
    );
    await settled(shop, orderId);
    await expectConsistent(shop, placed, start);
  });

  test('a cancel racing a shipment: exactly one wins, and money and stock agree with the winner', async () => {
    for (let round = 0; round < 3; round++) {
      const { shopper, orderId } = await buyKit();
      const [cancelled, shipped] = await Promise.all([orders.cancel(shopper, orderId), orders.ship(orderId)]);
      assert.equal(
        [cancelled.status, shipped.status].filter((status) => status === 200).length,
        1,
        JSON.stringify([cancelled.body, shipped.body]),
      );
      await settled(shop, orderId);
      await expectConsistent(shop, placed, start);
    }
  });

  test('two returns of the same last units at once: never more returned or refunded than bought', async () => {
    const { shopper, orderId } = await buyKit('delivered');
    const lines = [{ product_id: balls.id, quantity: 4 }];
    const replies = await Promise.all([
      orders.returnItems(shopper, orderId, lines),
      orders.returnItems(shopper, orderId, lines),
    ]);
    assert.deepEqual(replies.map((reply) => reply.status).sort(), [200, 409]);
    await settled(shop, orderId);
    await expectConsistent(shop, placed, start);
  });
});
