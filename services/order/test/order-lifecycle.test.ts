import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { OrderStatus } from '@ecomm/contracts';
import { internalHeaders, useTestService } from '@ecomm/testing';
import { orderService } from '../src/service.js';

type Action = 'confirm' | 'cancel' | 'ship' | 'deliver';
const actions: Action[] = ['confirm', 'cancel', 'ship', 'deliver'];

const app = useTestService(orderService);

function act(orderId: string, action: Action, transactionId?: string) {
  const method = action === 'cancel' ? 'PATCH' : 'POST';
  const payload = action === 'confirm' ? { transaction_id: transactionId ?? randomUUID() } : undefined;
  return app.inject({
    method,
    url: `/${orderId}/${action}`,
    headers: internalHeaders,
    ...(payload ? { payload } : {}),
  });
}

async function read(orderId: string) {
  return (await app.inject({ method: 'GET', url: `/${orderId}`, headers: internalHeaders })).json();
}

/** An order brought to `status` through legal moves; its payment's transaction id when it has one. */
async function orderIn(status: OrderStatus) {
  const orderId = randomUUID();
  const transactionId = randomUUID();
  const created = await app.inject({
    method: 'POST',
    url: '/',
    headers: internalHeaders,
    payload: {
      order_id: orderId,
      user_id: 'lifecycle-user',
      session_id: 's1',
      lines: [{ product_id: 1, name: 'Mug', unit_price: 5, quantity: 2 }],
    },
  });
  assert.equal(created.statusCode, 201);
  const fulfilment: OrderStatus[] = ['paid', 'shipped', 'delivered'];
  const steps = fulfilment.slice(0, fulfilment.indexOf(status) + 1);
  if (steps.includes('paid')) assert.equal((await act(orderId, 'confirm', transactionId)).statusCode, 200);
  if (steps.includes('shipped')) assert.equal((await act(orderId, 'ship')).statusCode, 200);
  if (steps.includes('delivered')) assert.equal((await act(orderId, 'deliver')).statusCode, 200);
  if (status === 'cancelled') assert.equal((await act(orderId, 'cancel')).statusCode, 200);
  assert.equal((await read(orderId)).status, status);
  return { orderId, transactionId };
}

describe('every (state, action) pair', () => {
  const target: Record<Action, OrderStatus> = {
    confirm: 'paid',
    cancel: 'cancelled',
    ship: 'shipped',
    deliver: 'delivered',
  };
  const legal = new Set(['pending confirm', 'pending cancel', 'paid ship', 'shipped deliver']);
  const repeats = new Set(['paid confirm', 'cancelled cancel', 'shipped ship', 'delivered deliver']);
  const states: OrderStatus[] = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];

  for (const from of states) {
    for (const action of actions) {
      const pair = `${from} ${action}`;
      const to = target[action];
      const outcome = legal.has(pair) ? `moves to ${to}` : repeats.has(pair) ? 'is an idempotent repeat' : 'is a 409';
      test(`${action} of a ${from} order ${outcome}`, async () => {
        const { orderId, transactionId } = await orderIn(from);
        const before = await read(orderId);
        const response = await act(orderId, action, transactionId);
        if (legal.has(pair)) {
          assert.equal(response.statusCode, 200);
          assert.equal(response.json().status, to);
          assert.equal(response.json().transaction_id, action === 'confirm' ? transactionId : before.transaction_id);
          assert.deepEqual(await read(orderId), response.json());
        } else if (repeats.has(pair)) {
          assert.equal(response.statusCode, 200);
          assert.deepEqual(response.json(), before);
        } else {
          assert.equal(response.statusCode, 409);
          assert.equal(response.json().message, `Order ${orderId} cannot go from ${from} to ${to}`);
          assert.deepEqual(response.json().details, { order_id: orderId, from, to });
          assert.deepEqual(await read(orderId), before);
        }
      });
    }
  }
});

describe('transition details', () => {
  test('confirming a paid order with another transaction id is a 409 naming both and changes nothing', async () => {
    const { orderId, transactionId } = await orderIn('paid');
    const other = randomUUID();
    const response = await act(orderId, 'confirm', other);
    assert.equal(response.statusCode, 409);
    assert.equal(
      response.json().message,
      `Order ${orderId} is already paid by transaction ${transactionId}, not ${other}`,
    );
    assert.equal((await read(orderId)).transaction_id, transactionId);
  });

  test('concurrent confirms with different transactions: exactly one wins', async () => {
    const { orderId } = await orderIn('pending');
    const transactionIds = Array.from({ length: 6 }, () => randomUUID());
    const responses = await Promise.all(transactionIds.map((transactionId) => act(orderId, 'confirm', transactionId)));
    const winners = responses.filter((response) => response.statusCode === 200);
    assert.equal(winners.length, 1);
    assert.ok(responses.every((response) => response.statusCode === 200 || response.statusCode === 409));
    assert.equal((await read(orderId)).transaction_id, winners[0]?.json().transaction_id);
  });

  test('a cancel racing a confirm: the order ends in exactly one of the two states', async () => {
    const { orderId } = await orderIn('pending');
    const [confirmed, cancelled] = await Promise.all([act(orderId, 'confirm'), act(orderId, 'cancel')]);
    assert.deepEqual([confirmed.statusCode, cancelled.statusCode].sort(), [200, 409]);
    const final = await read(orderId);
    assert.equal(final.status, confirmed.statusCode === 200 ? 'paid' : 'cancelled');
  });

  test('transitions of an unknown order are 404 and bad bodies 400', async () => {
    const unknown = randomUUID();
    for (const action of actions) {
      const response = await act(unknown, action);
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().message, `Order ${unknown} not found`);
    }
    const { orderId } = await orderIn('pending');
    const confirm = (payload?: object) =>
      app.inject({
        method: 'POST',
        url: `/${orderId}/confirm`,
        headers: internalHeaders,
        ...(payload ? { payload } : {}),
      });
    assert.match((await confirm({ transaction_id: 'tx-1' })).json().message, /body\.transaction_id: must be a UUID/);
    assert.match(
      (await confirm({ transaction_id: randomUUID(), amount: 5 })).json().message,
      /Unrecognized key: "amount"/,
    );
    assert.equal((await confirm()).statusCode, 400);
    assert.match((await act('12345', 'cancel')).json().message, /params\.order_id: must be a UUID/);
    assert.equal((await read(orderId)).status, 'pending');
  });
});

describe('a cancel that overtakes its create', () => {
  const create = (orderId: string, userId: string) =>
    app.inject({
      method: 'POST',
      url: '/',
      headers: internalHeaders,
      payload: {
        order_id: orderId,
        user_id: userId,
        session_id: 's1',
        lines: [{ product_id: 1, name: 'Mug', unit_price: 5, quantity: 1 }],
      },
    });

  test('is a 404 that is remembered: the late create is a 409, and no order appears', async () => {
    const orderId = randomUUID();
    const userId = `late-${randomUUID()}`;
    const cancelled = await act(orderId, 'cancel');
    assert.equal(cancelled.statusCode, 404);
    assert.equal(cancelled.json().message, `Order ${orderId} not found`);
    assert.equal((await act(orderId, 'cancel')).statusCode, 404);

    const late = await create(orderId, userId);
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().message, `Order ${orderId} was cancelled before it was created`);
    assert.deepEqual(late.json().details, { order_id: orderId, status: 'cancelled' });
    assert.equal((await app.inject({ method: 'GET', url: `/${orderId}`, headers: internalHeaders })).statusCode, 404);
    assert.deepEqual(
      (await app.inject({ method: 'GET', url: `/?user_id=${userId}`, headers: internalHeaders })).json().items,
      [],
    );
    for (const action of ['confirm', 'ship', 'deliver'] as const)
      assert.equal((await act(orderId, action)).statusCode, 404);
  });

  test('a confirm of an unknown order leaves no trace: the order can still be created', async () => {
    const orderId = randomUUID();
    assert.equal((await act(orderId, 'confirm')).statusCode, 404);
    assert.equal((await create(orderId, 'confirm-first')).statusCode, 201);
    assert.equal((await read(orderId)).status, 'pending');
  });

  test('racing a create: the order ends cancelled or never exists, never pending', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = randomUUID();
      const [created, cancelled] = await Promise.all([create(orderId, 'racer'), act(orderId, 'cancel')]);
      const stored = await app.inject({ method: 'GET', url: `/${orderId}`, headers: internalHeaders });
      if (created.statusCode === 201) {
        assert.equal(cancelled.statusCode, 200);
        assert.equal(stored.json().status, 'cancelled');
      } else {
        assert.deepEqual([created.statusCode, cancelled.statusCode, stored.statusCode], [409, 404, 404]);
      }
    }
  });
});
