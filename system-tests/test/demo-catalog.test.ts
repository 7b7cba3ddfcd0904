import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoCatalog, seedDemoCatalog, seedDemoCatalogIfEmpty } from '@ecomm/cluster';
import { productService } from '@ecomm/product-service/service';
import { internalHeaders, startTestService, useTestDatabase, useTestFixture } from '@ecomm/testing';

const database = useTestDatabase();
let app: Awaited<ReturnType<typeof startTestService>>['app'];
let url: string;

useTestFixture(
  async () => {
    ({ app, url } = await startTestService(productService, database));
  },
  async () => {
    await app.close();
  },
  database,
);

test('the demo catalog is deterministic, 50 to 100 products in several categories, with price ties', () => {
  const catalog = demoCatalog();
  assert.deepEqual(demoCatalog(), catalog);
  assert.ok(catalog.length >= 50 && catalog.length <= 100);
  assert.equal(new Set(catalog.map((product) => product.name)).size, catalog.length);
  assert.ok(new Set(catalog.map((product) => product.category)).size >= 6);
  assert.ok(new Set(catalog.map((product) => product.price)).size < catalog.length, 'some products share a price');
  assert.ok(catalog.every((product) => product.description && product.stock > 0));
});

test('an empty catalog is seeded once; a reseed restores changed demo products and keeps the others', async () => {
  const service = { url, internalApiKey: internalHeaders['x-internal-api-key'] };
  const catalog = demoCatalog();
  assert.deepEqual(await seedDemoCatalogIfEmpty(service), { created: catalog.length, restored: 0 });
  assert.equal(await seedDemoCatalogIfEmpty(service), undefined);

  const headers = { ...internalHeaders, 'content-type': 'application/json' };
  const listed = (await (await fetch(`${url}/?query=${encodeURIComponent(catalog[0]!.name)}`, { headers })).json()) as {
    items: { id: number; name: string }[];
  };
  const first = listed.items.find((item) => item.name === catalog[0]!.name)!;
  await fetch(`${url}/${first.id}`, { method: 'PATCH', headers, body: JSON.stringify({ stock: 0, price: 1 }) });
  await fetch(`${url}/`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Operator Special', price: 5, stock: 1 }),
  });

  assert.deepEqual(await seedDemoCatalog(service), { created: 0, restored: catalog.length });
  const restored = (await (await fetch(`${url}/${first.id}`, { headers })).json()) as { stock: number; price: number };
  assert.deepEqual(
    { stock: restored.stock, price: restored.price },
    { stock: catalog[0]!.stock, price: catalog[0]!.price },
  );
  const total = ((await (await fetch(`${url}/?limit=1`, { headers })).json()) as { total: number }).total;
  assert.equal(total, catalog.length + 1);
});
