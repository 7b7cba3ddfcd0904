import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { orderSchema } from '@ecomm/contracts';
import { createServiceClient } from '@ecomm/platform';
import { internalHeaders, startTestService, testSecrets, useTestDatabase, useTestService } from '@ecomm/testing';
import { orderService } from '../src/service.js';

const database = useTestDatabase();
const app = useTestService(orderService, { database });

function newOrder(overrides: Record<string, unknown> = {}) {
  return {
    order_id: randomUUID(),
    user_id: `user-${randomUUID()}`,
    session_id: 'session-1',
    lines: [{ product_id: 7, name: 'Trail shoes', unit_price: 19.99, quantity: 3 }],
    ...overrides,
  };
}

function createOrder(body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/', headers: { ...internalHeaders, ...headers }, payload: body as object });
}

function get(url: string) {
  return app.inject({ method: 'GET', url, headers: internalHeaders });
}

describe('creating and reading orders', () => {
  test('an order is created pending with its total computed exactly in cents', async () => {
    const body = newOrder({
      lines: [
        { product_id: 7, name: '  Trail shoes ', unit_price: 19.99, quantity: 3 },
        { product_id: 8, name: 'Socks', unit_price: 0.1, quantity: 3 },
      ],
    });
    const response = await createOrder(body);
    assert.equal(response.statusCode, 201);
    const order = orderSchema.parse(response.json());
    assert.equal(order.order_id, body.order_id);
    assert.equal(order.status, 'pending');
    assert.equal(order.currency, 'USD');
    assert.equal(order.transaction_id, null);
    assert.equal(order.total, 60.27);
    assert.deepEqual(order.lines, [
      { product_id: 7, name: 'Trail shoes', unit_price: 19.99, quantity: 3, line_total: 59.97, returned_quantity: 0 },
      { product_id: 8, name: 'Socks', unit_price: 0.1, quantity: 3, line_total: 0.3, returned_quantity: 0 },
    ]);
    assert.deepEqual([order.shipped_at, order.delivered_at, order.return_deadline], [null, null, null]);
    const read = await get(`/${body.order_id}`);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), response.json());
  });

  test('the same order_id with the same content returns the first order and creates nothing', async () => {
    const body = newOrder();
    const first = await createOrder(body);
    const again = await createOrder(body);
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    assert.equal((await get(`/?user_id=${body.user_id}`)).json().total, 1);
  });

  test('the same order_id with different content is a 409 naming the order', async () => {
    const body = newOrder();
    assert.equal((await createOrder(body)).statusCode, 201);
    const changes = [
      { lines: [{ product_id: 7, name: 'Trail shoes', unit_price: 19.99, quantity: 4 }] },
      { lines: [{ product_id: 7, name: 'Trail shoes', unit_price: 18.99, quantity: 3 }] },
      { user_id: 'someone-else' },
      { session_id: 'session-2' },
    ];
    for (const change of changes) {
      const response = await createOrder({ ...body, ...change });
      assert.equal(response.statusCode, 409, JSON.stringify(change));
      assert.equal(response.json().message, `Order ${body.order_id} already exists with different content`);
    }
    assert.equal((await get(`/${body.order_id}`)).json().total, 59.97);
  });

  test('a replay with the same Idempotency-Key returns the same response; another body with that key is a 422', async () => {
    const key = `create-${randomUUID()}`;
    const body = newOrder();
    const first = await createOrder(body, { 'idempotency-key': key });
    const replay = await createOrder(body, { 'idempotency-key': key });
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.body, first.body);
    const other = await createOrder(newOrder(), { 'idempotency-key': key });
    assert.equal(other.statusCode, 422);
    assert.match(other.json().message, /already used for a different request/);
    assert.equal((await get(`/?user_id=${body.user_id}`)).json().total, 1);
  });

  test('an unknown order is a 404 and a malformed id a 400', async () => {
    const unknown = randomUUID();
    const missing = await get(`/${unknown}`);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().message, `Order ${unknown} not found`);
    const malformed = await get('/not-a-uuid');
    assert.equal(malformed.statusCode, 400);
    assert.match(malformed.json().message, /params\.order_id: must be a UUID/);
  });

  test("a user's orders are listed newest first, paginated, without other users' orders", async () => {
    const userId = `user-${randomUUID()}`;
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const body = newOrder({ user_id: userId });
      ids.push(body.order_id);
      assert.equal((await createOrder(body)).statusCode, 201);
    }
    await createOrder(newOrder());
    const firstPage = (await get(`/?user_id=${userId}&limit=2`)).json();
    assert.equal(firstPage.total, 3);
    assert.deepEqual(
      firstPage.items.map((order: { order_id: string }) => order.order_id),
      [ids[2], ids[1]],
    );
    assert.equal(firstPage.items[0].lines.length, 1);
    const secondPage = (await get(`/?user_id=${userId}&limit=2&offset=2`)).json();
    assert.deepEqual(
      secondPage.items.map((order: { order_id: string }) => order.order_id),
      [ids[0]],
    );
    assert.deepEqual((await get('/?user_id=nobody-has-orders')).json(), { items: [], total: 0, limit: 20, offset: 0 });
  });

  test('routes need the internal key', async () => {
    const response = await app.inject({ method: 'GET', url: `/${randomUUID()}` });
    assert.equal(response.statusCode, 403);
  });
});

describe('bad input gets a 400 naming the field', () => {
  const line = { product_id: 7, name: 'Trail shoes', unit_price: 19.99, quantity: 1 };
  const withLine = (change: Record<string, unknown>) => newOrder({ lines: [{ ...line, ...change }] });
  const cases: Array<[string, unknown, RegExp]> = [
    ['a negative price', withLine({ unit_price: -1 }), /body\.lines\.0\.unit_price: must not be negative/],
    ['a non-numeric price', withLine({ unit_price: '19.99' }), /body\.lines\.0\.unit_price: must be a number/],
    [
      'a price with more than 2 decimals',
      withLine({ unit_price: 19.999 }),
      /body\.lines\.0\.unit_price: must have at most 2 decimal places/,
    ],
    ['a zero quantity', withLine({ quantity: 0 }), /body\.lines\.0\.quantity: must be at least 1/],
    ['a negative quantity', withLine({ quantity: -2 }), /body\.lines\.0\.quantity: must be at least 1/],
    ['a fractional quantity', withLine({ quantity: 1.5 }), /body\.lines\.0\.quantity: must be a whole number/],
    ['a quantity beyond 32 bits', withLine({ quantity: 2 ** 32 }), /body\.lines\.0\.quantity: must be at most 1000000/],
    [
      'a product id beyond 32 bits',
      withLine({ product_id: 2 ** 31 }),
      /body\.lines\.0\.product_id: is not a valid product id/,
    ],
    ['an over-long name', withLine({ name: 'x'.repeat(201) }), /body\.lines\.0\.name: must be at most 200 characters/],
    ['a blank name', withLine({ name: '   ' }), /body\.lines\.0\.name: must not be empty/],
    ['an unknown line field', withLine({ discount: 5 }), /Unrecognized key: "discount"/],
    [
      'a total beyond the maximum',
      withLine({ unit_price: 600_000, quantity: 2 }),
      /body\.lines: must add up to at most 1000000/,
    ],
    ['a malformed order id', newOrder({ order_id: 'order-1' }), /body\.order_id: must be a UUID/],
    ['an over-long user id', newOrder({ user_id: 'u'.repeat(129) }), /body\.user_id: must be at most 128 characters/],
    ['a session id with spaces', newOrder({ session_id: 'my session' }), /body\.session_id: must be 1-128 characters/],
    ['no lines', newOrder({ lines: [] }), /body\.lines: must have at least one line/],
    // Returns are counted per product: two lines of one product would both count a returned unit, refunded once.
    [
      'two lines of one product',
      newOrder({ lines: [line, { ...line, unit_price: 18.99 }] }),
      /body\.lines: must name each product once/,
    ],
    ['an unknown field', newOrder({ total: 1 }), /Unrecognized key: "total"/],
    ['an empty object', {}, /body\.order_id: .*body\.user_id: .*body\.session_id: .*body\.lines: /],
  ];
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const response = await createOrder(body);
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, 'VALIDATION_FAILED');
      assert.match(response.json().message, message);
    });
  }

  test('a list without user_id or with a bad limit', async () => {
    assert.match((await get('/')).json().message, /querystring\.user_id/);
    const badLimit = await get('/?user_id=u1&limit=1000');
    assert.equal(badLimit.statusCode, 400);
    assert.match(badLimit.json().message, /querystring\.limit: must be at most 100/);
  });
});

describe('over real HTTP', () => {
  test('concurrent creates of one order_id make one order, and a retry with its Idempotency-Key replays it', async () => {
    const { app: server, url } = await startTestService(orderService, database);
    const client = createServiceClient({
      service: 'order',
      baseUrl: url,
      internalApiKey: testSecrets.INTERNAL_API_KEY,
    });
    try {
      const body = newOrder();
      const keys = Array.from({ length: 8 }, (_, index) => `create-${body.order_id}-${index}`);
      const results = await Promise.all(
        keys.map((idempotencyKey) => client.post('/', { body, idempotencyKey, schema: orderSchema })),
      );
      assert.ok(results.every((order) => order.order_id === body.order_id && order.total === 59.97));
      assert.equal(new Set(results.map((order) => order.created_at)).size, 1);
      const retried = await client.post('/', { body, idempotencyKey: keys[0], schema: orderSchema });
      assert.deepEqual(retried, results[0]);
      const page = await client.get('/', { query: { user_id: body.user_id } });
      assert.equal((page as { total: number }).total, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
