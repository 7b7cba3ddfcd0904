import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { CreateProduct } from '@ecomm/contracts';
import { useTestService } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { productClient } from './helpers.js';

const app = useTestService(productService, { environment: { ALLOW_TEST_RESET: 'true' } });
const client = productClient(app);

const catalog: CreateProduct[] = [
  {
    name: 'Yonex Astrox 99 Badminton Racket',
    price: 229.99,
    stock: 5,
    category: 'Rackets',
    description: 'Head-heavy for steep smashes',
  },
  { name: 'Victor Thruster K Badminton Racket', price: 189, stock: 5, category: 'Rackets' },
  { name: 'Li-Ning Axforce 80', price: 210, stock: 5, category: 'Rackets', description: 'Even balance' },
  {
    name: 'Feather Shuttlecocks',
    price: 30,
    stock: 50,
    category: 'Accessories',
    description: 'Tube of 12, fits any racket bag',
  },
  { name: 'Yonex Power Cushion Shoes', price: 120, stock: 8, category: 'Shoes', description: 'Badminton court shoes' },
  { name: 'MacBook Pro', price: 2000, stock: 10, category: 'Laptops', description: 'Apple laptop with M3 chip' },
  { name: 'MacBook Air', price: 1200, stock: 10, category: 'Laptops' },
  { name: 'ThinkPad X1 Carbon', price: 1500, stock: 10, category: 'Laptops', description: 'Business laptop' },
  { name: 'Grip 100% Cotton', price: 5, stock: 100, category: 'Accessories' },
];

const names = (page: { items: Array<{ name: string }> }) => page.items.map((product) => product.name);

beforeEach(async () => {
  const reset = await client.call('POST', '/reset_db');
  assert.equal(reset.statusCode, 200, reset.body);
  for (const product of catalog) await client.createProduct(product);
});

describe('search by words', () => {
  test('"yonex racket" finds the racket whose name holds both words, not the Yonex shoes', async () => {
    const page = await client.search({ query: 'yonex racket' });
    assert.deepEqual(names(page), ['Yonex Astrox 99 Badminton Racket']);
    assert.equal(page.total, 1);
  });

  test('plurals find singulars: "macbooks" and "laptops"', async () => {
    assert.deepEqual(names(await client.search({ query: 'macbooks' })), ['MacBook Pro', 'MacBook Air']);
    const laptops = await client.search({ query: 'laptops' });
    assert.equal(laptops.total, 3);
    assert.deepEqual(
      names(laptops).slice(0, 2),
      ['MacBook Pro', 'ThinkPad X1 Carbon'],
      'category and description beat category alone',
    );
  });

  test('a singular finds a plural ending in -ies: "accessory" matches the Accessories category', async () => {
    assert.deepEqual(names(await client.search({ query: 'accessory', sort: 'price_asc' })), [
      'Grip 100% Cotton',
      'Feather Shuttlecocks',
    ]);
  });

  test('"Racket" matches whatever its case, names before categories before descriptions', async () => {
    const page = await client.search({ query: 'Racket' });
    assert.deepEqual(names(page), [
      'Yonex Astrox 99 Badminton Racket',
      'Victor Thruster K Badminton Racket',
      'Li-Ning Axforce 80',
      'Feather Shuttlecocks',
    ]);
  });

  test('partial names match: "macbook pro" ranks the Pro alone, "mac" finds both', async () => {
    assert.deepEqual(names(await client.search({ query: 'macbook pro' })), ['MacBook Pro']);
    assert.deepEqual(names(await client.search({ query: 'mac' })), ['MacBook Pro', 'MacBook Air']);
  });

  test('a nonsense query finds nothing', async () => {
    const page = await client.search({ query: 'unicorn spaceship' });
    assert.deepEqual(page, { items: [], total: 0, limit: 20, offset: 0 });
  });

  test('when no product has every word, products with some of them come back, most words first', async () => {
    const page = await client.search({ query: 'yonex badminton unicorn' });
    assert.deepEqual(names(page), [
      'Yonex Astrox 99 Badminton Racket',
      'Yonex Power Cushion Shoes',
      'Victor Thruster K Badminton Racket',
    ]);
  });

  test('LIKE wildcards in the query are literal characters', async () => {
    assert.deepEqual(names(await client.search({ query: '%' })), ['Grip 100% Cotton']);
    assert.deepEqual(names(await client.search({ query: '_' })), []);
    assert.deepEqual(names(await client.search({ query: 'x_' })), [], '"_" would match the "1" of "X1" as a wildcard');
  });
});

describe('filters, sorting and pages', () => {
  test('category matches exactly, whatever its case', async () => {
    assert.equal((await client.search({ category: 'LAPTOPS' })).total, 3);
    assert.equal((await client.search({ category: 'laptop' })).total, 0);
  });

  test('max_price includes a product at exactly that price', async () => {
    assert.deepEqual(names(await client.search({ category: 'laptops', max_price: 1500 })), [
      'MacBook Air',
      'ThinkPad X1 Carbon',
    ]);
    assert.deepEqual(names(await client.search({ query: 'macbook', max_price: 1499.99 })), ['MacBook Air']);
  });

  test('price sorting in both directions, also with a query', async () => {
    assert.deepEqual(names(await client.search({ query: 'laptop', sort: 'price_asc' })), [
      'MacBook Air',
      'ThinkPad X1 Carbon',
      'MacBook Pro',
    ]);
    assert.deepEqual(names(await client.search({ category: 'rackets', sort: 'price_desc' })), [
      'Yonex Astrox 99 Badminton Racket',
      'Li-Ning Axforce 80',
      'Victor Thruster K Badminton Racket',
    ]);
  });

  test('limit and offset page through the results and total counts them all', async () => {
    const page = await client.search({ category: 'laptops', sort: 'price_asc', limit: 2, offset: 1 });
    assert.deepEqual(names(page), ['ThinkPad X1 Carbon', 'MacBook Pro']);
    assert.deepEqual({ total: page.total, limit: page.limit, offset: page.offset }, { total: 3, limit: 2, offset: 1 });
    const beyond = await client.search({ query: 'racket', offset: 50 });
    assert.deepEqual({ items: beyond.items, total: beyond.total }, { items: [], total: 4 });
  });

  test('without a query everything comes back in creation order', async () => {
    const page = await client.search({ limit: 100 });
    assert.deepEqual(
      names(page),
      catalog.map((product) => product.name),
    );
    assert.equal(page.total, catalog.length);
  });
});

describe('POST /reset_db with ALLOW_TEST_RESET=true', () => {
  test('empties the catalog and reservations and restarts ids', async () => {
    const [first] = (await client.search({ limit: 1 })).items;
    assert.ok(first);
    assert.equal(
      (await client.reserve({ reservation_id: 'before-reset', lines: [{ product_id: first.id, quantity: 1 }] }))
        .statusCode,
      201,
    );

    const reset = await client.call('POST', '/reset_db');
    assert.deepEqual(reset.json(), { message: 'Product catalog and reservations emptied' });
    assert.equal((await client.search({})).total, 0);
    assert.equal((await client.call('GET', '/reservations/before-reset')).statusCode, 404);
    assert.equal((await client.createProduct({ name: 'Fresh' })).id, 1);
  });
});
