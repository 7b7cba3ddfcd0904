import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { beforeTests, useTestService } from '@ecomm/testing';
import { sessionService } from '../src/service.js';
import { caller } from './helpers.js';

const app = useTestService(sessionService);
const call = caller(() => app);
const sessionId = 'validation-cart';

beforeTests(async () => {
  await call('POST', '/', { user_id: 'validator', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 });
});

async function expectValidationError(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body: object | undefined,
  message: RegExp,
) {
  const response = await call(method, url, body);
  assert.equal(response.statusCode, 400, response.body);
  assert.equal(response.json().code, 'VALIDATION_FAILED');
  assert.match(response.json().message, message);
}

async function expectCartUnchanged() {
  assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 1, quantity: 1 }]);
}

describe('item bodies', () => {
  const cases: Array<[string, object, RegExp]> = [
    ['a zero quantity', { product_id: 1, quantity: 0 }, /body\.quantity: must be at least 1/],
    ['a negative quantity', { product_id: 1, quantity: -3 }, /body\.quantity: must be at least 1/],
    ['a fractional quantity', { product_id: 1, quantity: 1.5 }, /body\.quantity: must be a whole number/],
    ['a quantity beyond 32 bits', { product_id: 1, quantity: 2 ** 31 }, /body\.quantity: must be at most 1000000/],
    ['a quantity as a string', { product_id: 1, quantity: '2' }, /body\.quantity: must be a number/],
    ['a missing quantity', { product_id: 1 }, /body\.quantity/],
    ['a zero product id', { product_id: 0, quantity: 1 }, /body\.product_id: must be a positive whole number/],
    [
      'a product id beyond 32 bits',
      { product_id: 2 ** 31, quantity: 1 },
      /body\.product_id: is not a valid product id/,
    ],
    ['a fractional product id', { product_id: 2.5, quantity: 1 }, /body\.product_id: must be a whole number/],
    ['an unknown field', { product_id: 1, quantity: 1, price: 10 }, /Unrecognized key: "price"/],
  ];
  for (const [name, body, message] of cases) {
    test(`adding with ${name} is a 400`, async () => {
      await expectValidationError('POST', `/${sessionId}/items`, body, message);
      await expectCartUnchanged();
    });
  }

  test('setting a zero, fractional or huge quantity is a 400', async () => {
    await expectValidationError('PUT', `/${sessionId}/items/1`, { quantity: 0 }, /body\.quantity: must be at least 1/);
    await expectValidationError(
      'PUT',
      `/${sessionId}/items/1`,
      { quantity: 0.5 },
      /body\.quantity: must be a whole number/,
    );
    await expectValidationError(
      'PUT',
      `/${sessionId}/items/1`,
      { quantity: 1e12 },
      /body\.quantity: must be at most 1000000/,
    );
    await expectValidationError('PUT', `/${sessionId}/items/1`, { quantity: 2, note: 'x' }, /Unrecognized key: "note"/);
    await expectCartUnchanged();
  });

  test('an add without a body is a 400', async () => {
    await expectValidationError('POST', `/${sessionId}/items`, undefined, /body/);
  });
});

describe('path ids', () => {
  for (const productId of ['abc', '1.5', '0', '-2', '99999999999']) {
    test(`product id "${productId}" in the path is a 400`, async () => {
      await expectValidationError('PUT', `/${sessionId}/items/${productId}`, { quantity: 1 }, /params\.product_id/);
      await expectValidationError('DELETE', `/${sessionId}/items/${productId}`, undefined, /params\.product_id/);
      await expectCartUnchanged();
    });
  }

  test('a session id with a space is a 400', async () => {
    await expectValidationError('GET', '/has%20space', undefined, /params\.session_id: must be 1-128 characters/);
    await expectValidationError('POST', '/has%20space/items', { product_id: 1, quantity: 1 }, /params\.session_id/);
  });

  test('a session id with a symbol is a 400', async () => {
    await expectValidationError('GET', '/cart.json', undefined, /params\.session_id/);
  });

  test('a 129-character session id in the path is a 400', async () => {
    await expectValidationError('GET', `/${'a'.repeat(129)}`, undefined, /params\.session_id/);
  });

  test('a malformed claim id in the path is a 400', async () => {
    await expectValidationError(
      'POST',
      `/${sessionId}/checkout-claims/bad%20claim/release`,
      undefined,
      /params\.claim_id/,
    );
  });
});

describe('session bodies', () => {
  const cases: Array<[string, object | undefined, RegExp]> = [
    ['no body', undefined, /body/],
    ['a missing user id', {}, /body\.user_id/],
    ['an empty user id', { user_id: '' }, /body\.user_id: must not be empty/],
    [
      'a session id with spaces',
      { user_id: 'u', session_id: 'has space' },
      /body\.session_id: must be 1-128 characters/,
    ],
    [
      'a 129-character session id',
      { user_id: 'u', session_id: 'a'.repeat(129) },
      /body\.session_id: must be 1-128 characters/,
    ],
    ['an empty session id', { user_id: 'u', session_id: '' }, /body\.session_id/],
    ['the reserved session id "stats"', { user_id: 'u', session_id: 'stats' }, /body\.session_id: "stats" is reserved/],
    ['an unknown field', { user_id: 'u', cart: [] }, /Unrecognized key: "cart"/],
  ];
  for (const [name, body, message] of cases) {
    test(`creating with ${name} is a 400`, async () => expectValidationError('POST', '/', body, message));
  }

  test('listing without a user id or with a bad limit is a 400', async () => {
    await expectValidationError('GET', '/', undefined, /querystring\.user_id/);
    await expectValidationError('GET', '/?user_id=u&limit=0', undefined, /querystring\.limit: must be at least 1/);
  });
});

describe('claim bodies', () => {
  const cases: Array<[string, object | undefined, RegExp]> = [
    ['no body', undefined, /body/],
    ['a missing claim id', { user_id: 'validator' }, /body\.claim_id/],
    ['a claim id with spaces', { claim_id: 'a b', user_id: 'validator' }, /body\.claim_id: must be 1-128 characters/],
    ['a missing user id', { claim_id: 'c1' }, /body\.user_id/],
    ['an unknown field', { claim_id: 'c1', user_id: 'validator', items: [] }, /Unrecognized key: "items"/],
  ];
  for (const [name, body, message] of cases) {
    test(`claiming with ${name} is a 400 and leaves the cart open`, async () => {
      await expectValidationError('POST', `/${sessionId}/checkout-claims`, body, message);
      assert.equal((await call('GET', `/${sessionId}`)).json().status, 'open');
    });
  }
});
