import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stockShortageSchema } from '@ecomm/contracts';
import { useTestService } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { productClient, uniqueId } from './helpers.js';

const app = useTestService(productService);
const client = productClient(app);

describe('reserving stock', () => {
  test('a reservation takes the stock and carries each product name and its current price', async () => {
    const laptop = await client.createProduct({ name: 'MacBook Pro', price: 2000, stock: 10 });
    const mouse = await client.createProduct({ name: 'Magic Mouse', price: 79, stock: 3 });
    await client.call('PATCH', `/${laptop.id}`, { price: 1899.5 });
    const reservationId = uniqueId('order');

    const response = await client.reserve({
      reservation_id: reservationId,
      lines: [
        { product_id: mouse.id, quantity: 3 },
        { product_id: laptop.id, quantity: 2 },
      ],
    });
    assert.equal(response.statusCode, 201);
    assert.deepEqual(response.json(), {
      reservation_id: reservationId,
      status: 'reserved',
      lines: [
        { product_id: laptop.id, name: 'MacBook Pro', unit_price: 1899.5, quantity: 2 },
        { product_id: mouse.id, name: 'Magic Mouse', unit_price: 79, quantity: 3 },
      ],
    });
    assert.equal(await client.stockOf(laptop.id), 8);
    assert.equal(await client.stockOf(mouse.id), 0);
    assert.deepEqual((await client.call('GET', `/reservations/${reservationId}`)).json(), response.json());
  });

  test('two lines for the same product are checked against their sum and merged', async () => {
    const product = await client.createProduct({ stock: 5 });
    const twice = (first: number, second: number) =>
      client.reserve({
        reservation_id: uniqueId('split'),
        lines: [
          { product_id: product.id, quantity: first },
          { product_id: product.id, quantity: second },
        ],
      });
    const tooMany = await twice(3, 3);
    assert.equal(tooMany.statusCode, 409);
    assert.deepEqual(tooMany.json().details.lines, [
      { product_id: product.id, name: 'Test product', requested: 6, available: 5 },
    ]);
    assert.equal(await client.stockOf(product.id), 5);

    const exact = await twice(2, 3);
    assert.equal(exact.statusCode, 201);
    assert.deepEqual(
      exact.json().lines.map((line: { quantity: number }) => line.quantity),
      [5],
    );
    assert.equal(await client.stockOf(product.id), 0);
  });

  test('short stock on one line takes nothing at all and names every short product', async () => {
    const plenty = await client.createProduct({ name: 'Plenty', stock: 100 });
    const laptop = await client.createProduct({ name: 'MacBook Pro', stock: 1 });
    const phone = await client.createProduct({ name: 'iPhone', stock: 0 });
    const response = await client.reserve({
      reservation_id: uniqueId('short'),
      lines: [
        { product_id: plenty.id, quantity: 10 },
        { product_id: laptop.id, quantity: 3 },
        { product_id: phone.id, quantity: 2 },
      ],
    });
    assert.equal(response.statusCode, 409);
    const body = response.json();
    assert.equal(body.code, 'INSUFFICIENT_STOCK');
    assert.equal(
      body.message,
      'Not enough stock: MacBook Pro (requested 3, available 1), iPhone (requested 2, available 0)',
    );
    assert.ok(stockShortageSchema.safeParse(body.details).success);
    assert.equal(body.details.lines.length, 2);
    assert.equal(await client.stockOf(plenty.id), 100);
    assert.equal(await client.stockOf(laptop.id), 1);
  });

  test('an unknown product gets 404 naming it, and nothing is taken', async () => {
    const product = await client.createProduct({ stock: 4 });
    const reservationId = uniqueId('ghost');
    const response = await client.reserve({
      reservation_id: reservationId,
      lines: [
        { product_id: product.id, quantity: 1 },
        { product_id: 2_000_000_001, quantity: 1 },
      ],
    });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().message, 'Product 2000000001 not found');
    assert.equal(await client.stockOf(product.id), 4);
    assert.equal(
      (await client.call('GET', `/reservations/${reservationId}`)).statusCode,
      404,
      'a failed attempt leaves no reservation',
    );
  });
});

describe('idempotency by reservation_id', () => {
  test('the same id and lines answer the same reservation without taking stock again', async () => {
    const product = await client.createProduct({ stock: 10 });
    const request = { reservation_id: uniqueId('retry'), lines: [{ product_id: product.id, quantity: 4 }] };
    const first = await client.reserve(request);
    const second = await client.reserve(request);
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 200);
    assert.deepEqual(second.json(), first.json());
    assert.equal(await client.stockOf(product.id), 6);
  });

  test('the same id with other lines gets 409 and changes nothing', async () => {
    const product = await client.createProduct({ stock: 10 });
    const reservationId = uniqueId('mismatch');
    await client.reserve({ reservation_id: reservationId, lines: [{ product_id: product.id, quantity: 1 }] });
    const response = await client.reserve({
      reservation_id: reservationId,
      lines: [{ product_id: product.id, quantity: 2 }],
    });
    assert.equal(response.statusCode, 409);
    assert.equal(
      response.json().message,
      `Reservation "${reservationId}" already exists with different lines; use a new reservation_id`,
    );
    assert.equal(await client.stockOf(product.id), 9);
  });

  test('a failed attempt does not burn the id: it succeeds once stock is back', async () => {
    const product = await client.createProduct({ stock: 1 });
    const request = { reservation_id: uniqueId('later'), lines: [{ product_id: product.id, quantity: 2 }] };
    assert.equal((await client.reserve(request)).statusCode, 409);
    await client.call('PATCH', `/${product.id}`, { stock: 2 });
    assert.equal((await client.reserve(request)).statusCode, 201);
    assert.equal(await client.stockOf(product.id), 0);
  });
});

describe('releasing', () => {
  test('release puts back exactly what was taken, once', async () => {
    const first = await client.createProduct({ stock: 10 });
    const second = await client.createProduct({ stock: 3 });
    const request = {
      reservation_id: uniqueId('release'),
      lines: [
        { product_id: first.id, quantity: 4 },
        { product_id: second.id, quantity: 1 },
        { product_id: first.id, quantity: 2 },
      ],
    };
    await client.reserve(request);
    assert.equal(await client.stockOf(first.id), 4);

    const released = await client.release(request.reservation_id);
    assert.equal(released.statusCode, 200);
    assert.equal(released.json().status, 'released');
    assert.equal(await client.stockOf(first.id), 10);
    assert.equal(await client.stockOf(second.id), 3);

    const again = await client.release(request.reservation_id);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), released.json());
    const replayed = await client.reserve(request);
    assert.equal(replayed.json().status, 'released', 'repeating the create does not take the stock again');
    assert.equal(await client.stockOf(first.id), 10);
    assert.equal(await client.stockOf(second.id), 3);
  });

  test('concurrent releases of one reservation put the stock back once', async () => {
    const product = await client.createProduct({ stock: 5 });
    const reservationId = uniqueId('race');
    await client.reserve({ reservation_id: reservationId, lines: [{ product_id: product.id, quantity: 5 }] });
    const responses = await Promise.all(Array.from({ length: 8 }, () => client.release(reservationId)));
    assert.ok(responses.every((response) => response.statusCode === 200));
    assert.equal(await client.stockOf(product.id), 5);
  });

  test('an unknown reservation gets 404 on release and on read', async () => {
    const release = await client.release('no-such-reservation');
    assert.equal(release.statusCode, 404);
    assert.equal(release.json().message, 'Reservation "no-such-reservation" not found');
    assert.equal((await client.call('GET', '/reservations/no-such-reservation')).statusCode, 404);
  });
});

describe('the Idempotency-Key header', () => {
  test('a replay answers the first response and changes nothing; another body under the key gets 422', async () => {
    const product = await client.createProduct({ stock: 10 });
    const key = { 'idempotency-key': uniqueId('key') };
    const request = { reservation_id: uniqueId('keyed'), lines: [{ product_id: product.id, quantity: 3 }] };
    const first = await client.reserve(request, key);
    const replay = await client.reserve(request, key);
    assert.equal(first.statusCode, 201);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.json(), first.json());
    assert.equal(await client.stockOf(product.id), 7);

    const other = await client.reserve({ ...request, reservation_id: uniqueId('other') }, key);
    assert.equal(other.statusCode, 422);
    assert.match(other.json().message, /already used for a different request/);
    assert.equal(await client.stockOf(product.id), 7);
  });

  test('a product create replayed under its key creates one product', async () => {
    const key = { 'idempotency-key': uniqueId('create') };
    const name = uniqueId('Keyed product');
    const first = await client.call('POST', '/', { name, price: 5, stock: 1 }, key);
    const replay = await client.call('POST', '/', { name, price: 5, stock: 1 }, key);
    assert.deepEqual(replay.json(), first.json());
    assert.equal((await client.search({ query: name })).total, 1);
  });
});

describe('bad reservation input gets a 400 naming the field', () => {
  const line = { product_id: 1, quantity: 1 };
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'a zero quantity',
      { reservation_id: 'r1', lines: [{ ...line, quantity: 0 }] },
      /body\.lines\.0\.quantity: must be at least 1/,
    ],
    [
      'a negative quantity',
      { reservation_id: 'r1', lines: [{ ...line, quantity: -2 }] },
      /body\.lines\.0\.quantity: must be at least 1/,
    ],
    [
      'a fractional quantity',
      { reservation_id: 'r1', lines: [{ ...line, quantity: 1.5 }] },
      /body\.lines\.0\.quantity: must be a whole number/,
    ],
    [
      'a quantity beyond 32 bits',
      { reservation_id: 'r1', lines: [{ ...line, quantity: 2 ** 33 }] },
      /quantity: must be at most 1000000/,
    ],
    [
      'a quantity that is a string',
      { reservation_id: 'r1', lines: [{ ...line, quantity: '2' }] },
      /quantity: must be a number/,
    ],
    [
      'a product id beyond 32 bits',
      { reservation_id: 'r1', lines: [{ ...line, product_id: 2 ** 31 }] },
      /product_id: is not a valid product id/,
    ],
    [
      'a malformed product id',
      { reservation_id: 'r1', lines: [{ ...line, product_id: 'abc' }] },
      /product_id: must be a number/,
    ],
    ['no lines', { reservation_id: 'r1', lines: [] }, /body\.lines: must have at least one line/],
    [
      'a reservation id with spaces',
      { reservation_id: 'my order', lines: [line] },
      /body\.reservation_id: must be 1-128 characters/,
    ],
    [
      'an over-long reservation id',
      { reservation_id: 'r'.repeat(129), lines: [line] },
      /body\.reservation_id: must be 1-128/,
    ],
    ['an unknown field', { reservation_id: 'r1', lines: [line], user_id: 'u1' }, /Unrecognized key: "user_id"/],
    ['an unknown line field', { reservation_id: 'r1', lines: [{ ...line, price: 1 }] }, /Unrecognized key: "price"/],
    ['an empty object', {}, /body\.reservation_id: .*body\.lines: /],
  ];
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const response = await client.call('POST', '/reservations', body);
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.json().message, message);
    });
  }

  test('a malformed reservation id in the path', async () => {
    const response = await client.call('POST', '/reservations/bad%20id/release');
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /params\.id: must be 1-128 characters/);
  });
});

describe('a release that overtakes its reservation', () => {
  test('is remembered: the late reservation under that id takes nothing', async () => {
    const product = await client.createProduct({ name: uniqueId('Late'), price: 10, stock: 5 });
    const id = uniqueId('late');
    assert.equal((await client.call('POST', `/reservations/${id}/release`)).statusCode, 404);
    const late = await client.reserve({ reservation_id: id, lines: [{ product_id: product.id, quantity: 2 }] });
    assert.equal(late.statusCode, 409);
    assert.match(late.json().message, /released before it was made/);
    assert.equal((await client.call('GET', `/${product.id}`)).json().stock, 5);
    assert.equal((await client.call('GET', `/reservations/${id}`)).statusCode, 404);
  });
});
