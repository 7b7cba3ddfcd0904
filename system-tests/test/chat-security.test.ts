import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { beforeTests, signTestToken } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

const shop = useAgentShop();

beforeTests(async () => {
  await shop.resetCatalog();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${shop.urls.orchestrator}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('POST /chat authentication', () => {
  const body = { session_id: 'security-session', message: 'Show me products' };

  test('no token is a 401', async () => {
    const response = await post(body, { 'x-forwarded-for': '1' });
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { message: string }).message, /Missing Authorization header/);
  });

  test('an invalid token is a 401', async () => {
    assert.equal((await post(body, { authorization: 'Bearer nonsense' })).status, 401);
  });

  test('an expired token is a 401 saying so', async () => {
    const expired = await signTestToken(randomUUID(), { expiresInSeconds: -5 });
    const response = await post(body, { authorization: `Bearer ${expired}` });
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { message: string }).message, /expired/);
  });

  test("another user's session is a 403 and changes nothing", async () => {
    const owner = await shop.newShopper();
    await shop.chat(owner, 'Add a keychain to my cart');
    const intruder = await shop.newShopper();
    const attempt = await shop.chat(intruder, 'Checkout', owner.sessionId);
    assert.equal(attempt.status, 403);
    assert.match(attempt.body.message ?? '', /belongs to another user/);
    assert.equal((await shop.cart(owner.sessionId)).items.length, 1);
    const checkout = await fetch(`${shop.urls.orchestrator}/checkout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${intruder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: owner.sessionId }),
    });
    assert.equal(checkout.status, 403);
    assert.deepEqual(await shop.orders(intruder.userId), []);
  });
});

describe('POST /chat input', () => {
  const cases: [string, unknown, RegExp][] = [
    ['an empty message', { session_id: 's-1', message: '   ' }, /body\.message: must not be empty/],
    [
      'a message over 2,000 characters',
      { session_id: 's-1', message: 'x'.repeat(2001) },
      /body\.message: must be at most 2000 characters/,
    ],
    ['a malformed session id', { session_id: 'has spaces', message: 'hi' }, /body\.session_id/],
    ['a missing message', { session_id: 's-1' }, /body\.message/],
    ['an unknown field', { session_id: 's-1', message: 'hi', price: 1 }, /Unrecognized key: "price"/],
  ];
  for (const [name, body, message] of cases) {
    test(`${name} is a 400`, async () => {
      const shopper = await shop.newShopper();
      const response = await post(body, { authorization: `Bearer ${shopper.token}` });
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { message: string }).message, message);
    });
  }
});
