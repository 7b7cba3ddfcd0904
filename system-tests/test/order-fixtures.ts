import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { toCents, type Order, type Product } from '@ecomm/contracts';
import { internalHeaders, signTestToken } from '@ecomm/testing';
import type { Reply, Shop, Shopper } from './checkout-fixtures.js';

async function call(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** The shopper's API on the orchestrator (their JWT), and the operator's fulfilment moves on the order service. */
export function orderClient(shop: Shop) {
  const asShopper = (shopper: Pick<Shopper, 'token'>, headers: Record<string, string> = {}) => ({
    authorization: `Bearer ${shopper.token}`,
    ...headers,
  });
  return {
    list: (shopper: Shopper, query = '') => call(`${shop.urls.orchestrator}/orders${query}`, 'GET', asShopper(shopper)),
    get: (shopper: Pick<Shopper, 'token'>, orderId: string) =>
      call(`${shop.urls.orchestrator}/orders/${orderId}`, 'GET', asShopper(shopper)),
    cancel: (shopper: Pick<Shopper, 'token'>, orderId: string, headers: Record<string, string> = {}) =>
      call(`${shop.urls.orchestrator}/orders/${orderId}/cancel`, 'POST', asShopper(shopper, headers), {}),
    returnItems: (
      shopper: Pick<Shopper, 'token'>,
      orderId: string,
      lines: { product_id: number; quantity: number }[],
      headers: Record<string, string> = {},
    ) => call(`${shop.urls.orchestrator}/orders/${orderId}/returns`, 'POST', asShopper(shopper, headers), { lines }),
    ship: (orderId: string) => call(`${shop.urls.order}/${orderId}/ship`, 'POST', internalHeaders, {}),
    deliver: (orderId: string) => call(`${shop.urls.order}/${orderId}/deliver`, 'POST', internalHeaders, {}),
  };
}

export type OrderClient = ReturnType<typeof orderClient>;

/** Another cart of an existing user, filled with these lines. */
async function shopperFor(
  shop: Shop,
  userId: string,
  lines: { product: Product; quantity: number }[],
): Promise<Shopper> {
  const sessionId = `cart-${randomUUID()}`;
  assert.equal(
    (await call(`${shop.urls.session}/`, 'POST', internalHeaders, { user_id: userId, session_id: sessionId })).status,
    201,
  );
  for (const { product, quantity } of lines) {
    await call(`${shop.urls.session}/${sessionId}/items`, 'POST', internalHeaders, {
      product_id: product.id,
      quantity,
    });
  }
  return { userId, sessionId, token: await signTestToken(userId) };
}

/** A shopper who bought these lines (a completed checkout) and the order it made, moved on to `stage`. */
export async function purchase(
  shop: Shop,
  lines: { product: Product; quantity: number }[],
  stage: 'paid' | 'shipped' | 'delivered' = 'paid',
  userId?: string,
) {
  const shopper = userId ? await shopperFor(shop, userId, lines) : await shop.newShopper(lines);
  const receipt = await shop.checkout(shopper);
  assert.equal(receipt.status, 201, JSON.stringify(receipt.body));
  const orderId = receipt.body.order_id as string;
  const orders = orderClient(shop);
  if (stage !== 'paid') assert.equal((await orders.ship(orderId)).status, 200);
  if (stage === 'delivered') assert.equal((await orders.deliver(orderId)).status, 200);
  return { shopper, orderId };
}

/** Waits until no saga run of this order is still running or compensating. */
export async function settled(shop: Shop, orderId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = (await shop.admin('GET', '?limit=100')).body as {
      items: Array<{ status: string; input: { order_id?: string } }>;
    };
    const busy = page.items.filter(
      (run) => run.input.order_id === orderId && ['running', 'compensating'].includes(run.status),
    );
    if (busy.length === 0) return;
    if (Date.now() > deadline) assert.fail(`saga runs of order ${orderId} still busy after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Units of each product that left stock for this order and did not come back. */
function unitsKept(order: Order) {
  return order.lines.map((line) => ({
    productId: line.product_id,
    kept: order.status === 'cancelled' ? 0 : line.quantity - line.returned_quantity,
  }));
}

/**
 * The after-purchase invariants, read from the services themselves: money kept (captured − refunded) = value of the
 * units neither cancelled nor returned, in cents; stock = start − units kept; the order's status agrees with both.
 */
export async function expectConsistent(shop: Shop, orderIds: string[], startStock: Map<number, number>) {
  const kept = new Map<number, number>();
  for (const orderId of orderIds) {
    const order = (await call(`${shop.urls.order}/${orderId}`, 'GET', internalHeaders)).body as unknown as Order;
    const payments = await shop.paymentsFor(orderId);
    const captures = payments.filter((payment) => payment.status !== 'declined');
    assert.equal(captures.length, 1, `one capture for ${orderId}: ${JSON.stringify(payments)}`);
    const payment = captures[0]!;
    const valueKept = unitsKept(order).reduce((sum, { productId, kept: units }) => {
      const line = order.lines.find((each) => each.product_id === productId)!;
      return sum + toCents(line.unit_price) * units;
    }, 0);
    assert.equal(
      toCents(payment.amount) - toCents(payment.refunded_amount),
      valueKept,
      `money kept for ${order.status} order ${orderId}`,
    );
    const returned = order.lines.reduce((sum, line) => sum + line.returned_quantity, 0);
    const all = order.lines.reduce((sum, line) => sum + line.quantity, 0);
    const expectedStatus =
      order.status === 'cancelled'
        ? 'refunded'
        : returned === all
          ? 'refunded'
          : returned > 0
            ? 'partially_refunded'
            : 'captured';
    assert.equal(payment.status, expectedStatus, `payment of ${order.status} order ${orderId}`);
    if (order.status === 'returned') assert.equal(returned, all);
    if (order.status === 'partially_returned') assert.ok(returned > 0 && returned < all);
    if (['paid', 'shipped', 'delivered'].includes(order.status)) assert.equal(returned, 0);
    assert.ok(!['cancelling', 'pending'].includes(order.status), `order ${orderId} left ${order.status}`);
    for (const { productId, kept: units } of unitsKept(order)) kept.set(productId, (kept.get(productId) ?? 0) + units);
  }
  for (const [productId, start] of startStock) {
    assert.equal(await shop.stockOf(productId), start - (kept.get(productId) ?? 0), `stock of product ${productId}`);
  }
}
