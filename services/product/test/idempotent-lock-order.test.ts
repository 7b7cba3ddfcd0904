import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internalKeyHeader } from '@ecomm/platform';
import { testSecrets, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { postOverHttp } from './helpers.js';

// Each idempotent write now holds its key's row and its work's row locks until one commit: requests under different
// keys over the same products, listing them in opposite orders, must still queue rather than deadlock (a 500).
const database = useTestDatabase();
const service = useListeningTestService(productService, { database, environment: { DATABASE_POOL_MAX: '3' } });

async function post(path: string, body: unknown, key?: string) {
  const { status, body: answer } = await postOverHttp(service.url, path, body, key);
  return { status, body: JSON.parse(answer) as { id: number; stock: number } };
}

test('reservations, releases and restocks over the same products in opposite orders all succeed', async () => {
  const first = (await post('/', { name: 'Left Shoe', price: 30, stock: 100 })).body;
  const second = (await post('/', { name: 'Right Shoe', price: 30, stock: 100 })).body;
  const orders = [
    [first.id, second.id],
    [second.id, first.id],
  ];
  const requests = Array.from({ length: 16 }, async (_, index) => {
    const lines = orders[index % 2]!.map((productId) => ({ product_id: productId, quantity: 1 }));
    const id = `pair-${index}`;
    const reserved = await post('/reservations', { reservation_id: id, lines }, `reserve-${id}`);
    const released = index % 4 === 0 ? await post(`/reservations/${id}/release`, {}, `release-${id}`) : undefined;
    const restocked = await post('/restocks', { restock_id: `restock-${id}`, lines }, `restock-${id}`);
    return [reserved.status, released?.status ?? 200, restocked.status];
  });
  const statuses = (await Promise.all(requests)).flat();
  assert.deepEqual(new Set(statuses), new Set([200, 201]));
  // 16 reserved, 4 released, 16 restocked: 100 - 16 + 4 + 16.
  for (const product of [first, second]) {
    const response = await fetch(`${service.url}/${product.id}`, {
      headers: { [internalKeyHeader]: testSecrets.INTERNAL_API_KEY },
    });
    assert.equal(((await response.json()) as { stock: number }).stock, 104);
  }
});
