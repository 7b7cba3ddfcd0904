import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestService } from '@ecomm/testing';
import { sessionService } from '../src/service.js';
import { caller, uniqueId } from './helpers.js';

const app = useTestService(sessionService);
const call = caller(() => app);

async function createCart(userId = uniqueId('user')) {
  const response = await call('POST', '/', { user_id: userId });
  assert.equal(response.statusCode, 201);
  return response.json() as { session_id: string; user_id: string };
}

describe('creating sessions', () => {
  test('without a session id one is generated, and the empty cart reads back', async () => {
    const created = await call('POST', '/', { user_id: 'user-1' });
    assert.equal(created.statusCode, 201);
    const cart = created.json();
    assert.match(cart.session_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(cart, { session_id: cart.session_id, user_id: 'user-1', status: 'open', items: [] });
    const read = await call('GET', `/${cart.session_id}`);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), cart);
  });

  test('a client-chosen id is kept', async () => {
    const sessionId = `A_-9${'x'.repeat(96)}`;
    const created = await call('POST', '/', { user_id: 'user-2', session_id: sessionId });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().session_id, sessionId);
    assert.equal((await call('GET', `/${sessionId}`)).json().user_id, 'user-2');
  });

  // Fastify's router refuses path parameters over 100 characters (414) unless the platform raises maxParamLength.
  test('a 128-character id is accepted and reads back', async () => {
    const sessionId = `B${'y'.repeat(127)}`;
    assert.equal((await call('POST', '/', { user_id: 'user-3', session_id: sessionId })).statusCode, 201);
    assert.equal((await call('GET', `/${sessionId}`)).statusCode, 200);
  });

  test('creating an existing id for the same user returns it with 200, items included', async () => {
    const sessionId = uniqueId('mine');
    assert.equal((await call('POST', '/', { user_id: 'owner', session_id: sessionId })).statusCode, 201);
    await call('POST', `/${sessionId}/items`, { product_id: 3, quantity: 2 });
    const again = await call('POST', '/', { user_id: 'owner', session_id: sessionId });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json().items, [{ product_id: 3, quantity: 2 }]);
  });

  test('creating an existing id for another user is a 409 that says so', async () => {
    const sessionId = uniqueId('taken');
    await call('POST', '/', { user_id: 'owner', session_id: sessionId });
    const stolen = await call('POST', '/', { user_id: 'intruder', session_id: sessionId });
    assert.equal(stolen.statusCode, 409);
    assert.equal(stolen.json().message, `Session "${sessionId}" already exists and belongs to another user`);
    assert.equal((await call('GET', `/${sessionId}`)).json().user_id, 'owner');
  });

  test('concurrent creates of one id by one user make one cart: one 201, the rest 200', async () => {
    const sessionId = uniqueId('race');
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/', { user_id: 'racer', session_id: sessionId })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 201]);
  });

  test('an unknown session is a 404', async () => {
    const response = await call('GET', '/no-such-session');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().message, 'Session "no-such-session" not found');
  });

  test("a user's sessions are listed newest first, paginated, with their items", async () => {
    const userId = uniqueId('lister');
    const first = await createCart(userId);
    const second = await createCart(userId);
    await createCart();
    await call('POST', `/${first.session_id}/items`, { product_id: 1, quantity: 1 });
    const page = await call('GET', `/?user_id=${userId}&limit=1`);
    assert.equal(page.statusCode, 200);
    assert.deepEqual(page.json(), { items: [{ ...second, status: 'open', items: [] }], total: 2, limit: 1, offset: 0 });
    const next = await call('GET', `/?user_id=${userId}&limit=1&offset=1`);
    assert.deepEqual(next.json().items[0].items, [{ product_id: 1, quantity: 1 }]);
  });
});

describe('cart items', () => {
  test('add sums, set replaces, remove drops a line, clear empties; lines keep the order they were added in', async () => {
    const { session_id: sessionId } = await createCart();
    await call('POST', `/${sessionId}/items`, { product_id: 7, quantity: 1 });
    await call('POST', `/${sessionId}/items`, { product_id: 2, quantity: 3 });
    const summed = await call('POST', `/${sessionId}/items`, { product_id: 7, quantity: 4 });
    assert.equal(summed.statusCode, 200);
    assert.deepEqual(summed.json().items, [
      { product_id: 7, quantity: 5 },
      { product_id: 2, quantity: 3 },
    ]);

    const set = await call('PUT', `/${sessionId}/items/2`, { quantity: 10 });
    assert.deepEqual(set.json().items, [
      { product_id: 7, quantity: 5 },
      { product_id: 2, quantity: 10 },
    ]);
    const setNew = await call('PUT', `/${sessionId}/items/9`, { quantity: 1 });
    assert.deepEqual(
      setNew.json().items.map((item: { product_id: number }) => item.product_id),
      [7, 2, 9],
    );

    const removed = await call('DELETE', `/${sessionId}/items/7`);
    assert.equal(removed.statusCode, 200);
    assert.deepEqual(removed.json().items, [
      { product_id: 2, quantity: 10 },
      { product_id: 9, quantity: 1 },
    ]);

    const cleared = await call('DELETE', `/${sessionId}/items`);
    assert.equal(cleared.statusCode, 200);
    assert.deepEqual(cleared.json().items, []);
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, []);
  });

  test('removing a product that is not in the cart is a 404', async () => {
    const { session_id: sessionId } = await createCart();
    const response = await call('DELETE', `/${sessionId}/items/5`);
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().message, `Product 5 is not in session "${sessionId}"`);
  });

  test('a line cannot sum past 1000000 units, and the refused add changes nothing', async () => {
    const { session_id: sessionId } = await createCart();
    await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1_000_000 });
    const response = await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 });
    assert.equal(response.statusCode, 409);
    assert.match(response.json().message, /would exceed 1000000 units/);
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 1, quantity: 1_000_000 }]);
  });

  test('item changes on an unknown session are 404s', async () => {
    for (const [method, url, body] of [
      ['POST', '/ghost/items', { product_id: 1, quantity: 1 }],
      ['PUT', '/ghost/items/1', { quantity: 1 }],
      ['DELETE', '/ghost/items/1', undefined],
      ['DELETE', '/ghost/items', undefined],
    ] as const) {
      const response = await call(method, url, body);
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(response.json().message, 'Session "ghost" not found');
    }
  });

  test('an Idempotency-Key replays the first add instead of adding twice; another body under it is a 422', async () => {
    const { session_id: sessionId } = await createCart();
    const key = { 'idempotency-key': uniqueId('add') };
    const first = await call('POST', `/${sessionId}/items`, { product_id: 4, quantity: 2 }, key);
    const replay = await call('POST', `/${sessionId}/items`, { product_id: 4, quantity: 2 }, key);
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.json(), first.json());
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 4, quantity: 2 }]);

    const reused = await call('POST', `/${sessionId}/items`, { product_id: 4, quantity: 3 }, key);
    assert.equal(reused.statusCode, 422);
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 4, quantity: 2 }]);
  });
});

describe('stats', () => {
  test('active_carts counts open carts holding at least one item', async () => {
    const before = (await call('GET', '/stats')).json().active_carts as number;
    const filled = await createCart();
    await createCart();
    await call('POST', `/${filled.session_id}/items`, { product_id: 1, quantity: 1 });
    const claimed = await createCart();
    await call('POST', `/${claimed.session_id}/items`, { product_id: 1, quantity: 1 });
    await call('POST', `/${claimed.session_id}/checkout-claims`, { claim_id: 'stats-claim', user_id: claimed.user_id });
    const response = await call('GET', '/stats');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { active_carts: before + 1 });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, new RegExp(`^ecomm_active_carts\\{service="session"\\} ${before + 1}$`, 'm'));
  });

  test('domain routes need the internal key', async () => {
    const response = await app.inject({ method: 'GET', url: '/stats' });
    assert.equal(response.statusCode, 403);
  });
});
