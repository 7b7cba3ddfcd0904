import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { postOverHttp } from './helpers.js';

// A reservation's lines travel as arrays written into its statement, with the key's claim. Duplicates (same
// key, same body) racing must take the stock once; a short lock timeout may answer 409, never 500 or a second take.
const database = useTestDatabase();
const patient = useListeningTestService(productService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '0' } });
const hasty = useListeningTestService(productService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '20' } });
const admin = useAdminDatabase(database, { poolMax: 2 });

async function createProduct(name: string, stock: number): Promise<number> {
  const created = await postOverHttp(patient.url, '/', { name, price: 12.5, stock });
  assert.equal(created.status, 201, created.body);
  return (JSON.parse(created.body) as { id: number }).id;
}

for (const [name, service, allowBusy] of [
  ['no lock timeout', patient, false],
  ['a 20 ms lock timeout', hasty, true],
] as const) {
  test(`${name}: racing duplicates of a keyed reservation take the stock once`, async () => {
    const first = await createProduct(`Dup A ${name}`, 50);
    const second = await createProduct(`Dup B ${name}`, 50);
    for (let round = 0; round < 4; round++) {
      const body = {
        reservation_id: `dup-${name.length}-${round}`,
        lines: [
          { product_id: first, quantity: 2 },
          { product_id: second, quantity: 3 },
        ],
      };
      const key = `dup-key-${name.length}-${round}`;
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => postOverHttp(service.url, '/reservations', body, key)),
      );
      const described = answers.map((answer) => `${answer.status} ${answer.replayed} ${answer.body}`).join('\n');
      const fresh = answers.filter((answer) => answer.status !== 409 && answer.replayed !== 'true');
      assert.equal(fresh.length, 1, described);
      assert.equal(fresh[0]!.status, 201, described);
      for (const answer of answers) {
        if (answer === fresh[0]) continue;
        if (answer.status === 409 && allowBusy) {
          assert.match(answer.body, /IDEMPOTENCY_IN_PROGRESS/, described);
          continue;
        }
        assert.equal(answer.replayed, 'true', described);
        assert.equal(answer.status, 201, described);
        assert.equal(answer.body, fresh[0]!.body, described);
      }
      const { rows } = await admin.pool.query('select id, stock from product.products where id = any($1) order by id', [
        [first, second],
      ]);
      assert.deepEqual(
        rows.map((row) => Number(row.stock)),
        [50 - 2 * (round + 1), 50 - 3 * (round + 1)],
      );
    }
  });
}
