import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { AppError } from '@ecomm/platform';
import { createOrderTools } from '../src/agents/tools/order-tools.js';
import type { FakeShop } from './fake-shop.js';
import { useSagaRepository } from './saga-harness.js';
import { shopServices } from './shop-services.js';
import { callConfirmedTool, callTool, shopper, shopWithFilledCart } from './tool-harness.js';

// The orders agent's tools over a fake shop, with the real cancellation and return sagas on a real saga store.

const database = useSagaRepository();
let shop: FakeShop;
let tools: Record<string, StructuredToolInterface>;
let orderId: string;

beforeEach(async () => {
  shop = await shopWithFilledCart();
  const services = shopServices(shop, database.repository);
  const receipt = await services.checkout.checkout({
    userId: shopper.userId,
    sessionId: shopper.sessionId,
  });
  orderId = receipt.order_id;
  tools = Object.fromEntries(createOrderTools(services.orders).map((tool) => [tool.name, tool]));
  shop.take();
});

const writes = () =>
  shop.take().filter((call) => !call.includes('.get') && !call.includes('.quote') && call !== 'orders.list');

test("list_orders and get_order show the shopper's orders in their words, and no one else's", async () => {
  const listed = await callTool(tools.list_orders!);
  assert.deepEqual(shop.take(), ['orders.list']);
  const [order] = listed.content.orders as Record<string, unknown>[];
  assert.deepEqual(Object.keys(order!).sort(), [
    'created_at',
    'items',
    'order_id',
    'return_deadline',
    'status',
    'total',
  ]);
  assert.deepEqual([order!.order_id, order!.status, order!.total], [orderId, 'paid', 21]);
  assert.deepEqual(order!.items, [
    { product_id: 1, name: 'Keychain', quantity: 2, returned_quantity: 0, unit_price: 4.5 },
    { product_id: 2, name: 'Mug', quantity: 1, returned_quantity: 0, unit_price: 12 },
  ]);

  assert.deepEqual((await callTool(tools.get_order!, { order_id: orderId })).content.order, order);
  shop.orders.get(orderId)!.user_id = 'someone-else';
  assert.deepEqual((await callTool(tools.get_order!, { order_id: orderId })).content, {
    ok: false,
    error: `Order ${orderId} not found`,
  });
});

test('cancel_order states the refund, does nothing without a yes, and cancels and refunds on one', async () => {
  const declined = await callConfirmedTool(tools.cancel_order!, { order_id: orderId }, 'cancel-declined');
  const summary = `cancel order ${orderId} (2 × Keychain ($9.00), 1 × Mug ($12.00)) and refund $21.00`;
  assert.deepEqual(declined.asked, {
    question: `I will ${summary}. Reply "yes" to confirm.`,
    summary,
    total: 21,
    action: 'refund',
  });
  const refused = await declined.answer('no');
  assert.deepEqual(refused.content, {
    ok: false,
    error: `Not confirmed, so order ${orderId} was not cancelled and nothing was refunded.`,
  });
  assert.deepEqual(writes(), []);

  const confirmed = await callConfirmedTool(tools.cancel_order!, { order_id: orderId }, 'cancel-confirmed');
  const { content } = await confirmed.answer('yes');

  assert.deepEqual(writes(), ['orders.cancellation', 'payments.refund', 'products.restock', 'orders.cancellation']);
  assert.equal(content.message, `Order ${orderId} is cancelled; $21.00 is refunded.`);
  assert.equal(content.refund_amount, 21);
  assert.equal(content.status, 'completed');
  assert.equal((content.order as { status: string }).status, 'cancelled');
  assert.equal([...shop.payments.values()][0]!.status, 'refunded');
  assert.deepEqual([shop.products.get(1)!.stock, shop.products.get(2)!.stock], [10, 3]);
});

/** Restocking stays down past its attempts: the refund is made, but the run is left for the sweep to finish. */
function restockingDown() {
  shop.settings.onCall = (name) => {
    if (name === 'products.restock') throw new AppError(503, 'UNAVAILABLE', 'The product service is down');
  };
}

test('cancel_order promises no refund while the cancellation is still processing', async () => {
  restockingDown();
  const confirmed = await callConfirmedTool(tools.cancel_order!, { order_id: orderId }, 'cancel-processing');
  const { content } = await confirmed.answer('yes');
  assert.equal(content.status, 'processing');
  assert.equal('refund_amount' in content, false, 'no amount an agent could repeat as refunded');
  assert.equal(
    content.message,
    `The cancellation of order ${orderId} is still being processed: the order's status will show when it is ` +
      'cancelled and refunded.',
  );
});

test('return_items promises no refund while the return is still processing', async () => {
  await shop.clients.orders.deliver(orderId, 'deliver');
  restockingDown();
  const lines = [{ product_id: 2, quantity: 1 }];
  const confirmed = await callConfirmedTool(tools.return_items!, { order_id: orderId, lines }, 'return-processing');
  assert.equal(
    (await confirmed.answer('yes')).content.message,
    `The return of 1 × Mug ($12.00) from order ${orderId} is still being processed: the order will show the units ` +
      'as returned once they are refunded.',
  );
});

test('cancel_order refuses a shipped order before asking anything', async () => {
  await shop.clients.orders.ship(orderId, 'ship');
  shop.take();

  const call = await callConfirmedTool(tools.cancel_order!, { order_id: orderId });

  assert.equal(call.asked, undefined);
  assert.deepEqual(call.unasked?.content, {
    ok: false,
    error: `Order ${orderId} is shipped, so it can no longer be cancelled`,
  });
  assert.deepEqual(writes(), []);
});

test('return_items refunds exactly the units returned, on a yes only', async () => {
  await shop.clients.orders.deliver(orderId, 'deliver');
  shop.take();
  const lines = [{ product_id: 1, quantity: 1 }];

  const declined = await callConfirmedTool(tools.return_items!, { order_id: orderId, lines }, 'return-declined');
  assert.equal(
    declined.asked?.question,
    `I will return 1 × Keychain ($4.50) from order ${orderId} and refund $4.50. Reply "yes" to confirm.`,
  );
  const refused = await declined.answer('not now');
  assert.deepEqual(refused.content, {
    ok: false,
    error: `Not confirmed, so nothing from order ${orderId} was returned or refunded.`,
  });
  assert.deepEqual(writes(), []);

  const confirmed = await callConfirmedTool(tools.return_items!, { order_id: orderId, lines }, 'return-confirmed');
  const { content } = await confirmed.answer('yes');

  assert.deepEqual(writes(), ['orders.startReturn', 'payments.refund', 'products.restock', 'orders.finishReturn']);
  assert.equal(content.message, `Returned 1 × Keychain ($4.50) from order ${orderId}; $4.50 is refunded.`);
  assert.equal((content.order as { status: string }).status, 'partially_returned');
  const [payment] = [...shop.payments.values()];
  assert.deepEqual([payment!.status, payment!.refunded_amount], ['partially_refunded', 4.5]);
});

test('return_items refuses an order not delivered yet before asking anything', async () => {
  const call = await callConfirmedTool(tools.return_items!, {
    order_id: orderId,
    lines: [{ product_id: 2, quantity: 1 }],
  });

  assert.equal(call.asked, undefined);
  assert.deepEqual(call.unasked?.content, {
    ok: false,
    error: `Order ${orderId} is paid; only a delivered order can be returned`,
  });
  assert.deepEqual(writes(), []);
});
