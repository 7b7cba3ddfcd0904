import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useAgentShop } from './agent-harness.js';

const shop = useAgentShop({ RATE_LIMIT_CHAT: '3/minute' });

function post(body: unknown, headers: Record<string, string>) {
  return fetch(`${shop.urls.orchestrator}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('POST /chat rate limit', () => {
  test('a user over RATE_LIMIT_CHAT gets 429 with Retry-After; another user does not', async () => {
    const shopper = await shop.newShopper();
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await shop.chat(shopper, 'hello')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await shop.chat(shopper, 'hello');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.match(limited.body.message ?? '', /Too many requests/);
    assert.equal((await shop.chat(await shop.newShopper(), 'hello')).status, 200);
  });

  test('without a valid token the limit is per IP', async () => {
    const statuses = [];
    for (let index = 0; index < 4; index++)
      statuses.push((await post({ session_id: 's-ip', message: 'hi' }, { authorization: 'Bearer forged' })).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });
});
