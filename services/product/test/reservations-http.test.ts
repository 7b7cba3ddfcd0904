import assert from 'node:assert/strict';
import { test } from 'node:test';
import { productSchema, reservationSchema, type Product } from '@ecomm/contracts';
import { AppError, createServiceClient } from '@ecomm/platform';
import { testSecrets, useListeningTestService, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { productService } from '../src/service.js';

const database = useTestDatabase();
const service = useListeningTestService(productService, { database });
const client = useTestFixture(
  async () =>
    createServiceClient({ service: 'product', baseUrl: service.url, internalApiKey: testSecrets.INTERNAL_API_KEY }),
  (opened) => opened.close(),
  database,
);

async function createProduct(stock: number): Promise<Product> {
  return client.post('/', { body: { name: 'Last Units Laptop', price: 999.99, stock }, schema: productSchema });
}

async function stockOf(id: number) {
  return (await client.get(`/${id}`, { schema: productSchema })).stock;
}

test('50 concurrent reservations for the last 10 units: exactly 10 succeed and stock ends at 0', async () => {
  const product = await createProduct(10);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 50 }, (_, index) =>
      client.post('/reservations', {
        body: { reservation_id: `last-units-${index}`, lines: [{ product_id: product.id, quantity: 1 }] },
        schema: reservationSchema,
      }),
    ),
  );
  const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  assert.equal(succeeded.length, 10);
  assert.equal(refused.length, 40);
  for (const error of refused) {
    assert.ok(error instanceof AppError);
    assert.equal(error.statusCode, 409);
    assert.equal(error.code, 'INSUFFICIENT_STOCK');
  }
  assert.equal(await stockOf(product.id), 0);
});

test('concurrent reservations of mixed sizes never take more than the stock', async () => {
  const product = await createProduct(25);
  const quantities = Array.from({ length: 30 }, (_, index) => (index % 4) + 1);
  const outcomes = await Promise.allSettled(
    quantities.map((quantity, index) =>
      client.post('/reservations', {
        body: { reservation_id: `mixed-${index}`, lines: [{ product_id: product.id, quantity }] },
        schema: reservationSchema,
      }),
    ),
  );
  const reserved = outcomes.reduce(
    (sum, outcome, index) => sum + (outcome.status === 'fulfilled' ? (quantities[index] ?? 0) : 0),
    0,
  );
  assert.ok(reserved <= 25 && reserved >= 22, `reserved ${reserved}`);
  assert.equal(await stockOf(product.id), 25 - reserved);
});

test('retries of one reservation racing each other take the stock once', async () => {
  const product = await createProduct(10);
  const body = { reservation_id: 'raced-retry', lines: [{ product_id: product.id, quantity: 3 }] };
  const replies = await Promise.all(
    Array.from({ length: 8 }, () => client.post('/reservations', { body, schema: reservationSchema })),
  );
  for (const reply of replies) assert.deepEqual(reply, replies[0]);
  assert.equal(await stockOf(product.id), 7);
});

test('a create retried under one Idempotency-Key over HTTP makes one product', async () => {
  const body = { name: 'Idempotent Keyboard', price: 49.9, stock: 2 };
  const first = await client.post('/', { body, idempotencyKey: 'create-keyboard', schema: productSchema });
  const second = await client.post('/', { body, idempotencyKey: 'create-keyboard', schema: productSchema });
  assert.deepEqual(second, first);
  const page = await client.get('/', { query: { query: 'idempotent keyboard' } });
  assert.equal((page as { total: number }).total, 1);
});
