import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCase, checkShopper, checkStock, checkTurn, describeItems } from '../src/checks.js';
import { turnSchema } from '../src/dataset-schema.js';
import { sampleCase, sampleObservation } from './sample-case.js';

describe('checkCase', () => {
  test('a run that left the expected state passes with no failures', () => {
    assert.deepEqual(checkCase(sampleCase(), sampleObservation()), []);
  });

  test('a broken expectation names what differs, in words', () => {
    const evalCase = sampleCase();
    evalCase.expect.shoppers.shopper!.orders[0]!.total = 1999;
    assert.deepEqual(checkCase(evalCase, sampleObservation()), ['order 1: total $2,000.00, expected $1,999.00']);
  });

  test('a turn that was never sent fails', () => {
    const observation = sampleObservation();
    observation.turns = [];
    assert.deepEqual(checkCase(sampleCase(), observation), ['turn 1: was not sent']);
  });
});

describe('checkTurn', () => {
  const reply = (response: string, status = 200) => ({ ...sampleObservation().turns[0]!, response, status });
  const turn = turnSchema.parse({
    message: 'x',
    reply_contains: ['macbook', ['$2,000', '2000']],
    reply_excludes: ['Sorry'],
  });

  test('phrases match case-insensitively, and a list is satisfied by any one of them', () => {
    assert.deepEqual(checkTurn(turn, reply('Bought your MACBOOK for 2000 dollars'), 'turn 1'), []);
  });

  test('a missing phrase and a forbidden one are both reported with the reply', () => {
    assert.deepEqual(checkTurn(turn, reply('sorry, no MacBook today'), 'turn 2'), [
      'turn 2: reply lacks "$2,000" or "2000" (reply: "sorry, no MacBook today")',
      'turn 2: reply must not say "Sorry" (reply: "sorry, no MacBook today")',
    ]);
  });

  test('a wrong HTTP status is the only failure reported for that turn', () => {
    const forbidden = turnSchema.parse({ message: 'x', status: 403, reply_contains: ['never checked'] });
    assert.deepEqual(checkTurn(forbidden, reply('Order placed'), 'turn 3'), [
      'turn 3: HTTP 200, expected 403 (Order placed)',
    ]);
    assert.deepEqual(checkTurn(forbidden, reply('This session belongs to another user', 403), 'turn 3'), [
      'turn 3: reply lacks "never checked" (reply: "This session belongs to another user")',
    ]);
  });
});

describe('checkShopper', () => {
  const expected = () => sampleCase().expect.shoppers.shopper!;
  const state = () => sampleObservation().shoppers.shopper!;

  test('an order that should not exist is reported with what it was', () => {
    assert.deepEqual(checkShopper('shopper', { orders: [], payments: [], cart: [] }, state()), [
      'orders: 1 made, expected 0 (paid $2,000.00 for 1 × MacBook Pro)',
      'payments: captured $2,000.00, expected none',
    ]);
  });

  test('items are compared as merged, order-free contents', () => {
    const actual = state();
    actual.orders[0]!.items = [
      { product: 'Keychain', quantity: 3 },
      { product: 'MacBook Pro', quantity: 1 },
    ];
    assert.deepEqual(checkShopper('rival', expected(), actual), [
      "rival's order 1: items 3 × Keychain + 1 × MacBook Pro, expected 1 × MacBook Pro",
    ]);
    assert.equal(
      describeItems([
        { product: 'Keychain', quantity: 1 },
        { product: 'Golf Ball', quantity: 2 },
        { product: 'Keychain', quantity: 2 },
      ]),
      '2 × Golf Ball + 3 × Keychain',
    );
  });

  test('a paid order without a captured payment carrying its transaction id fails', () => {
    const actual = state();
    actual.payments[0]!.status = 'refunded';
    assert.deepEqual(checkShopper('shopper', expected(), actual), [
      'order 1: paid, but no captured payment carries its transaction id',
      'payments: refunded $2,000.00, expected captured $2,000.00',
    ]);
  });

  test('returned units and refunded amounts are compared too', () => {
    const actual = state();
    actual.orders[0]!.status = 'returned';
    actual.orders[0]!.returned = [{ product: 'MacBook Pro', quantity: 1 }];
    actual.payments[0]!.status = 'refunded';
    actual.payments[0]!.refunded = 2000;
    assert.deepEqual(checkShopper('shopper', expected(), actual), [
      'order 1: status returned, expected paid',
      'order 1: returned 1 × MacBook Pro, expected nothing',
      'payments: refunded $2,000.00 ($2,000.00 refunded), expected captured $2,000.00',
    ]);
  });

  test('the cart must hold exactly the expected items', () => {
    const actual = state();
    actual.cart = [{ product: 'Tennis Ball', quantity: 2 }];
    assert.deepEqual(checkShopper('shopper', expected(), actual), ['cart: 2 × Tennis Ball, expected nothing']);
  });
});

describe('checkStock', () => {
  test('a product that is not listed must be unchanged', () => {
    const stock = { 'MacBook Pro': { before: 10, after: 9 }, Keychain: { before: 100, after: 97 } };
    assert.deepEqual(checkStock({ 'MacBook Pro': -1 }, stock), [
      'stock of Keychain: 100 → 97 (-3), expected unchanged',
    ]);
    assert.deepEqual(checkStock({ 'MacBook Pro': -2 }, { 'MacBook Pro': stock['MacBook Pro'] }), [
      'stock of MacBook Pro: 10 → 9 (-1), expected -2',
    ]);
  });
});
