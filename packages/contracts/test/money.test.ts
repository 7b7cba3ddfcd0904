import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPaymentSchema, fromCents, priceSchema, toCents } from '../src/index.js';

test('prices take at most two decimals, exactly', () => {
  for (const accepted of [0, 0.07, 19.99, 2000.0, 1_000_000])
    assert.ok(priceSchema.safeParse(accepted).success, `${accepted}`);
  for (const refused of [1e-9, 10.000000001, 0.001, -1, 1_000_000.01, Number.NaN])
    assert.equal(priceSchema.safeParse(refused).success, false, `${refused}`);
});

test('money round-trips through integer cents', () => {
  assert.equal(toCents(19.99), 1999);
  assert.equal(toCents(0.07) * 3, 21);
  assert.equal(fromCents(toCents(59.97)), 59.97);
});

test('a payment is at least one cent', () => {
  const orderId = '00000000-0000-4000-8000-000000000000';
  assert.equal(createPaymentSchema.safeParse({ order_id: orderId, amount: 0.01 }).success, true);
  assert.equal(createPaymentSchema.safeParse({ order_id: orderId, amount: 0 }).success, false);
});
