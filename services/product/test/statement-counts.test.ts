import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roundTripsDuring, useTestDatabase, useTestService } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { productClient, uniqueId } from './helpers.js';

// Each statement is a round trip that wakes PostgreSQL and this process: the checkout's requests send few, and as
// many for three lines as for one (no statement per line).
const database = useTestDatabase();
const app = useTestService(productService, { database });
const products = () => productClient(app);

// The service prunes old keys when it is ready, on a timer of its own: not the request's statements.
const prune = /^delete from \S*"idempotency_keys" where/;

async function roundTrips(work: () => Promise<{ statusCode: number; body: string }>, expectedStatus: number) {
  const { result, roundTrips: sent } = await roundTripsDuring('product', work, prune);
  assert.equal(result.statusCode, expectedStatus, result.body);
  return sent;
}

async function newLines(count: number) {
  const created = await Promise.all(Array.from({ length: count }, () => products().createProduct({ stock: 50 })));
  return created.map((product, index) => ({ product_id: product.id, quantity: index + 1 }));
}

test('a reservation with its key: BEGIN and the claim with the work, the answer with COMMIT, whatever its lines; alone without', async () => {
  for (const count of [1, 3]) {
    const body = { reservation_id: uniqueId('counted'), lines: await newLines(count) };
    const key = { 'idempotency-key': uniqueId('reserve') };
    // BEGIN and the key with the reservation (locks, id, stock and lines in one statement, its arrays written in), the
    // answer with COMMIT. Was 3 while the key's claim was a round trip of its own.
    assert.equal(await roundTrips(() => products().reserve(body, key), 201), 2, `${count} lines`);
    const unkeyed = { reservation_id: uniqueId('unkeyed'), lines: await newLines(count) };
    // Without a key there is no transaction to open: the statement is all or nothing by itself.
    assert.equal(await roundTrips(() => products().reserve(unkeyed), 201), 1, `${count} lines without a key`);
  }
});

test('a release and a restock move the stock of all their lines in one statement', async () => {
  for (const count of [1, 3]) {
    const lines = await newLines(count);
    const reservationId = uniqueId('released');
    assert.equal((await products().reserve({ reservation_id: reservationId, lines })).statusCode, 201);
    const release = () => products().call('POST', `/reservations/${reservationId}/release`, {});
    // One statement: the products' locks, the reservation marked released, its lines and their stock put back.
    assert.equal(await roundTrips(release, 200), 1, `release of ${count} lines`);
    const keyedId = uniqueId('keyed-release');
    assert.equal((await products().reserve({ reservation_id: keyedId, lines })).statusCode, 201);
    const key = { 'idempotency-key': uniqueId('release') };
    const keyedRelease = () => products().call('POST', `/reservations/${keyedId}/release`, {}, key);
    // BEGIN and the key with the release, the answer with COMMIT.
    assert.equal(await roundTrips(keyedRelease, 200), 2, `release of ${count} lines with its key`);
    const restock = () => products().call('POST', '/restocks', { restock_id: uniqueId('restock'), lines });
    // BEGIN with the restock id, lines and stock, COMMIT.
    assert.equal(await roundTrips(restock, 201), 3, `restock of ${count} lines`);
  }
});

test('a refusal for short stock costs the reservation and a read of its id, and leaves the stock as it was', async () => {
  const lines = (await newLines(2)).map((line) => ({ ...line, quantity: 1000 }));
  const body = { reservation_id: uniqueId('short'), lines };
  // Without a key, no transaction: the reservation's statement, then the id read afresh (see reservation-service.ts).
  assert.equal(await roundTrips(() => products().reserve(body), 409), 2);
  assert.equal(await products().stockOf(lines[0]!.product_id), 50);
});
