import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { postOverHttp } from './helpers.js';

// A reservation is one statement that locks its products and writes only when every line can be had. These race
// keyed reservations (each in its request's transaction, without a savepoint) on scarce stock and check the database
// itself: nothing oversold, and a refusal has left no trace.
const database = useTestDatabase();
const service = useListeningTestService(productService, { database });
const admin = useAdminDatabase(database, { poolMax: 2 });

const query = async (text: string, ...values: unknown[]) => (await admin.pool.query(text, values)).rows;

async function createProduct(name: string, stock: number): Promise<number> {
  const created = await postOverHttp(service.url, '/', { name, price: 12.5, stock });
  assert.equal(created.status, 201, created.body);
  return (JSON.parse(created.body) as { id: number }).id;
}

/** The row version of each product: a refusal that wrote nothing leaves it as it was, a no-op update would not. */
const rowVersions = (ids: number[]) =>
  query('select id, xmin::text as version, stock from product.products where id = any($1) order by id', ids);

test('40 keyed reservations of two scarce products at once, in either order: none oversold, refusals left nothing', async () => {
  const stocks = { first: 7, second: 5 };
  const first = await createProduct('Scarce Lamp', stocks.first);
  const second = await createProduct('Scarce Desk', stocks.second);
  const requests = Array.from({ length: 40 }, (_, index) => {
    const quantities = [(index % 3) + 1, ((index + 1) % 2) + 1];
    const lines = [
      { product_id: first, quantity: quantities[0]! },
      { product_id: second, quantity: quantities[1]! },
    ];
    return { reservation_id: `scarce-${index}`, lines: index % 2 === 0 ? lines : lines.reverse() };
  });
  const answers = await Promise.all(
    requests.map((body) => postOverHttp(service.url, '/reservations', body, `key-${body.reservation_id}`)),
  );

  const made = requests.filter((_, index) => answers[index]!.status === 201).map((body) => body.reservation_id);
  for (const answer of answers.filter((reply) => reply.status !== 201)) {
    assert.equal(answer.status, 409, answer.body);
    assert.equal(JSON.parse(answer.body).code, 'INSUFFICIENT_STOCK');
  }
  assert.ok(made.length > 0 && made.length < requests.length, `${made.length} made`);

  const reserved = await query('select id from product.reservations order by id');
  assert.deepEqual(reserved.map((row) => row.id).sort(), [...made].sort(), 'only the reservations made have a row');
  const lines = await query(
    'select product_id, sum(quantity)::int as taken, count(distinct reservation_id)::int as reservations ' +
      'from product.reservation_lines group by product_id order by product_id',
  );
  const [firstRow, secondRow] = await rowVersions([first, second]);
  assert.deepEqual(lines, [
    { product_id: first, taken: stocks.first - firstRow.stock, reservations: made.length },
    { product_id: second, taken: stocks.second - secondRow.stock, reservations: made.length },
  ]);
  assert.ok(firstRow.stock >= 0 && secondRow.stock >= 0);
});

test('a refused reservation with its key writes nothing, and its key replays the refusal', async () => {
  const plenty = await createProduct('Plenty Chair', 10);
  const scarce = await createProduct('Scarce Chair', 1);
  const before = await rowVersions([plenty, scarce]);
  const refusals = [
    {
      reservation_id: 'refused-short',
      lines: [
        { product_id: plenty, quantity: 2 },
        { product_id: scarce, quantity: 3 },
      ],
    },
    {
      reservation_id: 'refused-unknown',
      lines: [
        { product_id: plenty, quantity: 1 },
        { product_id: 2_000_000_001, quantity: 1 },
      ],
    },
  ];
  for (const [index, body] of refusals.entries()) {
    const refused = await postOverHttp(service.url, '/reservations', body, `refusal-${index}`);
    assert.equal(refused.status, index === 0 ? 409 : 404, refused.body);
    const replayed = await postOverHttp(service.url, '/reservations', body, `refusal-${index}`);
    assert.deepEqual(replayed, { ...refused, replayed: 'true' });
  }
  assert.deepEqual(await rowVersions([plenty, scarce]), before);
  assert.deepEqual(await query("select id from product.reservations where id like 'refused-%'"), []);
  assert.deepEqual(await query("select * from product.reservation_lines where reservation_id like 'refused-%'"), []);
});

test('releases racing retries of their reservation and new reservations of their id: stock back, no deadlock', async () => {
  const stock = 20;
  const first = await createProduct('Raced Shelf', stock);
  const second = await createProduct('Raced Hook', stock);
  const lines = [
    { product_id: second, quantity: 2 },
    { product_id: first, quantity: 1 },
  ];
  const reserve = (id: string, key: string) =>
    postOverHttp(service.url, '/reservations', { reservation_id: id, lines }, key);
  const release = (id: string, key: string) => postOverHttp(service.url, `/reservations/${id}/release`, {}, key);
  for (let round = 0; round < 5; round++) {
    const made = `made-${round}`;
    assert.equal((await reserve(made, `${made}-first`)).status, 201);
    const fresh = `fresh-${round}`;
    // A retry of a made reservation and its release; a new reservation and its release, either may come first.
    const [retried, released, reserved, releasedFresh] = await Promise.all([
      reserve(made, `${made}-retry`),
      release(made, `${made}-release`),
      reserve(fresh, `${fresh}-reserve`),
      release(fresh, `${fresh}-release`),
    ]);
    assert.equal(retried.status, 200, retried.body);
    assert.equal(released.status, 200, released.body);
    assert.equal(JSON.parse(released.body).status, 'released');
    const order = `${reserved.status},${releasedFresh.status}`;
    // The reservation first: it is then released. The release first: it is remembered, and the reservation refused.
    assert.ok(order === '201,200' || order === '409,404', `${order}: ${reserved.body} ${releasedFresh.body}`);
  }
  const [firstRow, secondRow] = await rowVersions([first, second]);
  assert.deepEqual([firstRow.stock, secondRow.stock], [stock, stock]);
});
