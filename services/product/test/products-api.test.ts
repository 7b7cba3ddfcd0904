import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestService } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { productClient, uniqueId } from './helpers.js';

const app = useTestService(productService);
const client = productClient(app);

describe('product CRUD', () => {
  test('the seeding call creates a product with prices as numbers and optional fields null', async () => {
    const response = await client.call('POST', '/', { name: 'MacBook Pro', price: 2000.0, stock: 10 });
    assert.equal(response.statusCode, 201);
    const product = response.json();
    assert.ok(Number.isInteger(product.id) && product.id > 0);
    assert.deepEqual(
      {
        name: product.name,
        price: product.price,
        stock: product.stock,
        description: product.description,
        category: product.category,
      },
      { name: 'MacBook Pro', price: 2000, stock: 10, description: null, category: null },
    );
    assert.deepEqual((await client.call('GET', `/${product.id}`)).json(), product);
  });

  test('PATCH changes only the given fields and clears with null', async () => {
    const created = await client.createProduct({
      name: 'Desk Lamp',
      price: 19.99,
      stock: 4,
      description: 'Warm light',
      category: 'Home',
    });
    const response = await client.call('PATCH', `/${created.id}`, {
      price: 24.5,
      description: null,
      name: '  Desk Lamp XL ',
    });
    assert.equal(response.statusCode, 200);
    const updated = response.json();
    assert.equal(updated.name, 'Desk Lamp XL');
    assert.equal(updated.price, 24.5);
    assert.equal(updated.description, null);
    assert.equal(updated.category, 'Home');
    assert.equal(updated.stock, 4);
    assert.equal(updated.created_at, created.created_at);
    assert.ok(Date.parse(updated.updated_at) >= Date.parse(created.updated_at));
  });

  test('DELETE answers the deleted product, then the id is unknown', async () => {
    const created = await client.createProduct();
    const deleted = await client.call('DELETE', `/${created.id}`);
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.json().id, created.id);
    assert.equal((await client.call('GET', `/${created.id}`)).statusCode, 404);
    const again = await client.call('DELETE', `/${created.id}`);
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().message, `Product ${created.id} not found`);
  });

  test('a product held by an active reservation cannot be deleted until it is released', async () => {
    const product = await client.createProduct({ stock: 5 });
    const reservationId = uniqueId('hold');
    assert.equal(
      (await client.reserve({ reservation_id: reservationId, lines: [{ product_id: product.id, quantity: 2 }] }))
        .statusCode,
      201,
    );
    const refused = await client.call('DELETE', `/${product.id}`);
    assert.equal(refused.statusCode, 409);
    assert.match(
      refused.json().message,
      new RegExp(`Product ${product.id} has active reservations \\(${reservationId}\\)`),
    );
    assert.equal(await client.stockOf(product.id), 3);

    assert.equal((await client.release(reservationId)).statusCode, 200);
    assert.equal((await client.call('DELETE', `/${product.id}`)).statusCode, 200);
    const history = await client.call('GET', `/reservations/${reservationId}`);
    assert.equal(history.json().lines[0].name, 'Test product', 'released reservations keep their lines');
  });

  test('unknown ids get 404 on every route', async () => {
    for (const [method, payload] of [['GET'], ['PATCH', { stock: 1 }], ['DELETE']] as const) {
      const response = await client.call(method, '/2147483647', payload);
      assert.equal(response.statusCode, 404, method);
      assert.equal(response.json().message, 'Product 2147483647 not found');
    }
  });

  test('every route but health needs the internal key', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().message, /X-Internal-API-Key/);
  });

  test('POST /reset_db does not exist unless ALLOW_TEST_RESET=true', async () => {
    const product = await client.createProduct();
    const response = await client.call('POST', '/reset_db');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'ROUTE_NOT_FOUND');
    assert.equal(await client.stockOf(product.id), 10);
  });
});

describe('bad product input gets a 400 naming the field', () => {
  const valid = { name: 'Widget', price: 10, stock: 1 };
  const cases: Array<[string, unknown, RegExp]> = [
    ['a negative price', { ...valid, price: -1 }, /body\.price: must not be negative/],
    ['a price that is not a number', { ...valid, price: 'cheap' }, /body\.price: must be a number/],
    ['a numeric string price', { ...valid, price: '10' }, /body\.price: must be a number/],
    [
      'a price with fractions of a cent',
      { ...valid, price: 10.001 },
      /body\.price: must have at most 2 decimal places/,
    ],
    ['a huge price', { ...valid, price: 1e12 }, /body\.price: must be at most 1000000/],
    ['a negative stock', { ...valid, stock: -3 }, /body\.stock: must not be negative/],
    ['a fractional stock', { ...valid, stock: 1.5 }, /body\.stock: must be a whole number/],
    ['a stock beyond 32 bits', { ...valid, stock: 5_000_000_000 }, /body\.stock: must be at most 1000000000/],
    ['a blank name', { ...valid, name: '   ' }, /body\.name: must not be empty/],
    ['an over-long name', { ...valid, name: 'x'.repeat(201) }, /body\.name: must be at most 200 characters/],
    [
      'an over-long description',
      { ...valid, description: 'x'.repeat(2001) },
      /body\.description: must be at most 2000 characters/,
    ],
    [
      'an over-long category',
      { ...valid, category: 'x'.repeat(101) },
      /body\.category: must be at most 100 characters/,
    ],
    ['an unknown field', { ...valid, colour: 'red' }, /Unrecognized key: "colour"/],
    ['missing fields', {}, /body\.name: .*body\.price: .*body\.stock: /],
  ];
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const response = await client.call('POST', '/', body);
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().code, 'VALIDATION_FAILED');
      assert.match(response.json().message, message);
    });
  }

  test('an empty body', async () => {
    const withoutBody = await client.call('POST', '/');
    assert.equal(withoutBody.statusCode, 400);
    assert.match(withoutBody.json().message, /body/);
    const emptyJson = await client.call('POST', '/', undefined, { 'content-type': 'application/json' });
    assert.equal(emptyJson.statusCode, 400);
    assert.match(emptyJson.json().message, /empty/i);
  });

  test('a PATCH that changes nothing or sets a bad value', async () => {
    const product = await client.createProduct();
    const empty = await client.call('PATCH', `/${product.id}`, {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().message, /must change at least one field/);
    const negative = await client.call('PATCH', `/${product.id}`, { price: -5 });
    assert.match(negative.json().message, /body\.price: must not be negative/);
    const unknown = await client.call('PATCH', `/${product.id}`, { id: 7 });
    assert.match(unknown.json().message, /Unrecognized key: "id"/);
  });

  for (const id of ['abc', '1.5', '-3', '1e3', '0x10', '0', '99999999999']) {
    test(`a malformed product id "${id}"`, async () => {
      const response = await client.call('GET', `/${id}`);
      assert.equal(response.statusCode, 400);
      assert.match(response.json().message, /params\.id: (must be a positive whole number|is not a valid product id)/);
    });
  }

  const badQueries: Array<[string, RegExp]> = [
    ['max_price=abc', /querystring\.max_price: must be a number/],
    ['max_price=-1', /querystring\.max_price: must not be negative/],
    ['max_price=', /querystring\.max_price: must be a number/],
    ['max_price=30000000', /querystring\.max_price: must be at most 1000000/],
    ['query=%00', /cannot be stored/],
    ['sort=cheapest', /querystring\.sort: must be relevance, price_asc or price_desc/],
    ['limit=0', /querystring\.limit: must be at least 1/],
    ['limit=1000', /querystring\.limit: must be at most 100/],
    ['offset=-1', /querystring\.offset: must not be negative/],
    [`query=${'x'.repeat(201)}`, /querystring\.query: must be at most 200 characters/],
  ];
  for (const [query, message] of badQueries) {
    test(`a bad list query ${query.slice(0, 20)}`, async () => {
      const response = await client.call('GET', `/?${query}`);
      assert.equal(response.statusCode, 400);
      assert.match(response.json().message, message);
    });
  }
});
