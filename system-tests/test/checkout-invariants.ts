import assert from 'node:assert/strict';
import type { Order, Payment } from '@ecomm/contracts';
import type { Shop, Shopper } from './checkout-fixtures.js';

/** What a failed checkout must leave as it was: the cart's items and the stock of what it holds. */
export async function snapshot(shop: Shop, shopper: Shopper) {
  const cart = await shop.cart(shopper.sessionId);
  const stock = new Map<number, number>();
  for (const item of cart.items) stock.set(item.product_id, await shop.stockOf(item.product_id));
  return { items: cart.items, stock };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Every payment ever made for the shopper's orders and for the orders its saga runs meant to create. */
async function paymentsOf(shop: Shop, shopper: Shopper, orders: Order[]) {
  const orderIds = new Set(orders.map((order) => order.order_id));
  for (const run of await shop.sagasOf(shopper.sessionId)) orderIds.add(run.input.order_id);
  const payments: Payment[] = [];
  for (const orderId of orderIds) payments.push(...(await shop.paymentsFor(orderId)));
  return payments;
}

/**
 * The invariant, read from the services and not from the orchestrator: charged ⇔ order paid ⇔ stock taken ⇔ cart
 * emptied. `checkStock: false` where several shoppers share a product (the caller checks the total).
 */
export async function expectCheckedOut(shop: Shop, shopper: Shopper, before: Snapshot, checkStock = true) {
  const orders = await shop.ordersOf(shopper.userId);
  const paid = orders.filter((order) => order.status === 'paid');
  assert.equal(paid.length, 1, `one paid order, got ${JSON.stringify(orders.map((order) => order.status))}`);
  assert.ok(orders.every((order) => order.status === 'paid' || order.status === 'cancelled'));
  const order = paid[0]!;
  assert.deepEqual(
    order.lines.map((line) => ({ product_id: line.product_id, quantity: line.quantity })),
    [...before.items].sort((a, b) => a.product_id - b.product_id),
  );
  const payments = await paymentsOf(shop, shopper, orders);
  const captured = payments.filter((payment) => payment.status === 'captured');
  assert.equal(captured.length, 1, `one capture, got ${JSON.stringify(payments)}`);
  assert.equal(captured[0]!.order_id, order.order_id);
  assert.equal(captured[0]!.transaction_id, order.transaction_id);
  assert.equal(captured[0]!.amount, order.total);
  assert.ok(!payments.some((payment) => payment.status === 'refunded'), 'nothing refunded');
  if (checkStock) {
    for (const item of before.items)
      assert.equal(await shop.stockOf(item.product_id), before.stock.get(item.product_id)! - item.quantity);
  }
  const cart = await shop.cart(shopper.sessionId);
  assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: [] });
  return order;
}

/** A failed checkout: nothing charged or refunded, every order cancelled, stock and cart as before. */
export async function expectUntouched(shop: Shop, shopper: Shopper, before: Snapshot, checkStock = true) {
  const orders = await shop.ordersOf(shopper.userId);
  assert.ok(
    orders.every((order) => order.status === 'cancelled'),
    `orders cancelled, got ${JSON.stringify(orders.map((order) => order.status))}`,
  );
  const payments = await paymentsOf(shop, shopper, orders);
  assert.ok(
    payments.every((payment) => payment.status === 'declined'),
    `nothing charged or refunded, got ${JSON.stringify(payments)}`,
  );
  if (checkStock) {
    for (const item of before.items)
      assert.equal(await shop.stockOf(item.product_id), before.stock.get(item.product_id));
  }
  const cart = await shop.cart(shopper.sessionId);
  assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: before.items });
}
