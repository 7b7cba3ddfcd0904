import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { internalHeaders, useTestDatabase, useTestService } from '@ecomm/testing';
import { orderService } from '../src/service.js';

const database = useTestDatabase();
const app = useTestService(orderService, { database });
/** Orders delivered this long ago are out of the window: a service whose window is 0 days. */
const closedWindow = useTestService(orderService, { database, environment: { RETURN_WINDOW_DAYS: '0' } });

const post = (url: string, payload: object = {}, on = app) =>
  on.inject({ method: 'POST', url, headers: internalHeaders, payload });
const read = async (orderId: string) =>
  (await app.inject({ method: 'GET', url: `/${orderId}`, headers: internalHeaders })).json();

/** A paid order of 3 mugs at 4.99 and 1 racket at 120.5, moved on to `stage`. */
async function order(stage: 'paid' | 'shipped' | 'delivered') {
  const orderId = randomUUID();
  const lines = [
    { product_id: 1, name: 'Mug', unit_price: 4.99, quantity: 3 },
    { product_id: 2, name: 'Racket', unit_price: 120.5, quantity: 1 },
  ];
  assert.equal((await post('/', { order_id: orderId, user_id: 'u1', session_id: 's1', lines })).statusCode, 201);
  assert.equal((await post(`/${orderId}/confirm`, { transaction_id: randomUUID() })).statusCode, 200);
  if (stage !== 'paid') assert.equal((await post(`/${orderId}/ship`)).statusCode, 200);
  if (stage === 'delivered') assert.equal((await post(`/${orderId}/deliver`)).statusCode, 200);
  return orderId;
}

describe('cancellation', () => {
  test('a paid order is quoted in full, held by one cancellation, then cancelled; another cancellation is refused', async () => {
    const orderId = await order('paid');
    const quote = (
      await app.inject({ method: 'GET', url: `/${orderId}/cancellation-quote`, headers: internalHeaders })
    ).json();
    assert.deepEqual(
      [quote.refund_amount, quote.lines.map((line: { amount: number }) => line.amount)],
      [135.47, [14.97, 120.5]],
    );
    assert.equal((await post(`/${orderId}/cancellation`, { cancellation_id: 'c1' })).json().status, 'cancelling');
    assert.equal((await post(`/${orderId}/cancellation`, { cancellation_id: 'c1' })).statusCode, 200);
    const other = await post(`/${orderId}/cancellation`, { cancellation_id: 'c2' });
    assert.deepEqual([other.statusCode, other.json().code], [409, 'ORDER_CANCELLING']);
    assert.equal((await post(`/${orderId}/ship`)).statusCode, 409);
    assert.equal((await post(`/${orderId}/cancellation/abort`, { cancellation_id: 'c2' })).json().status, 'cancelling');
    assert.equal((await post(`/${orderId}/cancellation/complete`, { cancellation_id: 'c2' })).statusCode, 409);
    assert.equal(
      (await post(`/${orderId}/cancellation/complete`, { cancellation_id: 'c1' })).json().status,
      'cancelled',
    );
    assert.equal(
      (await post(`/${orderId}/cancellation/complete`, { cancellation_id: 'c1' })).json().status,
      'cancelled',
    );
  });

  test('an aborted cancellation gives the order back to fulfilment', async () => {
    const orderId = await order('paid');
    await post(`/${orderId}/cancellation`, { cancellation_id: 'c3' });
    assert.equal((await post(`/${orderId}/cancellation/abort`, { cancellation_id: 'c3' })).json().status, 'paid');
    assert.equal((await post(`/${orderId}/cancellation/abort`, { cancellation_id: 'c3' })).json().status, 'paid');
    assert.equal((await post(`/${orderId}/ship`)).json().status, 'shipped');
  });

  test('an abort that arrives before its hold calls the cancellation off: the late hold is refused', async () => {
    const orderId = await order('paid');
    assert.equal((await post(`/${orderId}/cancellation/abort`, { cancellation_id: 'c5' })).json().status, 'paid');
    const late = await post(`/${orderId}/cancellation`, { cancellation_id: 'c5' });
    assert.deepEqual(
      [late.statusCode, late.json().message],
      [409, `Cancellation c5 of order ${orderId} was called off`],
    );
    assert.equal((await read(orderId)).status, 'paid');
    // Given back after a hold, too: the same cancellation never holds the order again.
    await post(`/${orderId}/cancellation`, { cancellation_id: 'c6' });
    assert.equal((await post(`/${orderId}/cancellation/abort`, { cancellation_id: 'c6' })).json().status, 'paid');
    assert.equal((await post(`/${orderId}/cancellation`, { cancellation_id: 'c6' })).statusCode, 409);
    assert.equal((await post(`/${orderId}/cancellation`, { cancellation_id: 'c7' })).json().status, 'cancelling');
  });

  test('a shipped order cannot be cancelled, with a message saying to return it instead', async () => {
    const orderId = await order('shipped');
    const refused = await post(`/${orderId}/cancellation`, { cancellation_id: 'c4' });
    assert.deepEqual([refused.statusCode, refused.json().code], [409, 'ORDER_SHIPPED']);
    assert.match(
      refused.json().message,
      /has already shipped, so it can no longer be cancelled; once it is delivered you can return/,
    );
  });

  test('a ship racing a cancellation: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const orderId = await order('paid');
      const [shipped, held] = await Promise.all([
        post(`/${orderId}/ship`),
        post(`/${orderId}/cancellation`, { cancellation_id: `race-${round}` }),
      ]);
      assert.deepEqual([shipped.statusCode, held.statusCode].sort(), [200, 409]);
      assert.equal((await read(orderId)).status, shipped.statusCode === 200 ? 'shipped' : 'cancelling');
    }
  });
});

describe('returns', () => {
  test('some units, then the rest: exact amounts, per-line counts, partially_returned then returned', async () => {
    const orderId = await order('delivered');
    const delivered = await read(orderId);
    assert.ok(delivered.delivered_at && delivered.return_deadline > delivered.delivered_at);
    const quote = await post(`/${orderId}/return-quote`, { lines: [{ product_id: 1, quantity: 2 }] });
    assert.deepEqual([quote.statusCode, quote.json().refund_amount], [200, 9.98]);

    const first = await post(`/${orderId}/returns`, {
      return_id: 'r1',
      lines: [
        { product_id: 1, quantity: 1 },
        { product_id: 1, quantity: 1 },
      ],
    });
    assert.equal(first.statusCode, 201);
    assert.deepEqual(
      [first.json().status, first.json().refund_amount, first.json().order.status],
      ['in_progress', 9.98, 'partially_returned'],
    );
    const replay = await post(`/${orderId}/returns`, { return_id: 'r1', lines: [{ product_id: 1, quantity: 2 }] });
    assert.deepEqual([replay.statusCode, replay.json().refund_amount], [200, 9.98]);
    assert.equal((await post(`/${orderId}/returns/r1/complete`)).json().status, 'completed');

    const tooMany = await post(`/${orderId}/returns`, { return_id: 'r2', lines: [{ product_id: 1, quantity: 2 }] });
    assert.deepEqual([tooMany.statusCode, tooMany.json().code], [409, 'RETURN_QUANTITY_EXCEEDED']);
    assert.equal(
      tooMany.json().message,
      `Only 1 of Mug can be returned from order ${orderId} (3 bought, 2 already returned)`,
    );
    const missing = await post(`/${orderId}/return-quote`, { lines: [{ product_id: 9, quantity: 1 }] });
    assert.deepEqual([missing.statusCode, missing.json().code], [409, 'NOT_IN_ORDER']);

    const rest = await post(`/${orderId}/returns`, {
      return_id: 'r3',
      lines: [
        { product_id: 1, quantity: 1 },
        { product_id: 2, quantity: 1 },
      ],
    });
    assert.deepEqual([rest.json().refund_amount, rest.json().order.status], [125.49, 'returned']);
    assert.deepEqual(
      rest.json().order.lines.map((line: { returned_quantity: number }) => line.returned_quantity),
      [3, 1],
    );
    const again = await post(`/${orderId}/return-quote`, { lines: [{ product_id: 2, quantity: 1 }] });
    assert.deepEqual([again.statusCode, again.json().code], [409, 'ORDER_RETURNED']);
  });

  test('an aborted return gives its units back; completing it afterwards is refused', async () => {
    const orderId = await order('delivered');
    await post(`/${orderId}/returns`, { return_id: 'r4', lines: [{ product_id: 2, quantity: 1 }] });
    const aborted = await post(`/${orderId}/returns/r4/abort`);
    assert.deepEqual([aborted.json().status, aborted.json().order.status], ['aborted', 'delivered']);
    assert.equal((await post(`/${orderId}/returns/r4/abort`)).statusCode, 200);
    assert.equal((await post(`/${orderId}/returns/r4/complete`)).statusCode, 409);
    assert.equal((await read(orderId)).lines[1].returned_quantity, 0);
  });

  test('an abort that arrives before its return started calls it off: the late start counts nothing', async () => {
    const orderId = await order('delivered');
    const aborted = await post(`/${orderId}/returns/r6/abort`);
    assert.deepEqual([aborted.json().status, aborted.json().refund_amount], ['aborted', 0]);
    const late = await post(`/${orderId}/returns`, { return_id: 'r6', lines: [{ product_id: 2, quantity: 1 }] });
    assert.deepEqual([late.statusCode, late.json().message], [409, 'Return r6 was called off; use a new return id']);
    assert.deepEqual(
      (await read(orderId)).lines.map((line: { returned_quantity: number }) => line.returned_quantity),
      [0, 0],
    );
    assert.equal((await post(`/${orderId}/returns/r6/complete`)).statusCode, 409);
  });

  test('before delivery, after the window, or of a cancelled order a return is a 409 saying why', async () => {
    const paid = await order('paid');
    const early = await post(`/${paid}/return-quote`, { lines: [{ product_id: 1, quantity: 1 }] });
    assert.equal(
      early.json().message,
      `Order ${paid} has not been delivered yet; returns open once it arrives (until it ships, you can cancel it instead)`,
    );
    const delivered = await order('delivered');
    const late = await post(
      `/${delivered}/returns`,
      { return_id: 'r5', lines: [{ product_id: 1, quantity: 1 }] },
      closedWindow,
    );
    assert.deepEqual([late.statusCode, late.json().code], [409, 'RETURN_WINDOW_CLOSED']);
    assert.match(
      late.json().message,
      /The return window for order .* closed on \d{4}-\d{2}-\d{2} \(0 days after delivery\)/,
    );
  });

  test('concurrent returns of the same units: never more returned than bought', async () => {
    const orderId = await order('delivered');
    const replies = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        post(`/${orderId}/returns`, { return_id: `c-${index}`, lines: [{ product_id: 1, quantity: 2 }] }),
      ),
    );
    assert.deepEqual(replies.map((reply) => reply.statusCode).sort(), [201, 409, 409, 409, 409]);
    assert.equal((await read(orderId)).lines[0].returned_quantity, 2);
  });
});
