import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { signTestToken } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

const shop = useAgentShop();

const oddIds = ['stats', 'checkout-claims', 'a'.repeat(128), '__proto__', 'constructor'];

describe('odd session ids get a 4xx a person can act on, never a 5xx', () => {
  for (const sessionId of oddIds) {
    test(`"${sessionId.length > 20 ? `${sessionId.slice(0, 8)}… (${sessionId.length} chars)` : sessionId}"`, async () => {
      const token = await signTestToken(randomUUID());
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const checkout = await fetch(`${shop.urls.orchestrator}/checkout`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ session_id: sessionId }),
      });
      const checkoutBody = (await checkout.json()) as { message: string };
      assert.ok(
        checkout.status >= 400 && checkout.status < 500,
        `/checkout: ${checkout.status} ${JSON.stringify(checkoutBody)}`,
      );

      const chat = await fetch(`${shop.urls.orchestrator}/chat`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ session_id: sessionId, message: 'show my cart' }),
      });
      const chatBody = (await chat.json()) as { message?: string };
      assert.ok(chat.status < 500, `/chat: ${chat.status} ${JSON.stringify(chatBody)}`);
    });
  }
});

test('first messages sent at once on a new session: none is told the session belongs to another user', async () => {
  const userId = randomUUID();
  const token = await signTestToken(userId);
  const sessionId = `s-${randomUUID()}`;
  const send = () =>
    fetch(`${shop.urls.orchestrator}/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sessionId, message: 'show my cart' }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as { message?: string } }));
  const replies = await Promise.all([send(), send(), send(), send()]);
  assert.ok(
    replies.every((reply) => reply.status !== 403),
    JSON.stringify(replies.map((reply) => [reply.status, reply.body.message])),
  );
  assert.ok(replies.some((reply) => reply.status === 200));
  // Another user is refused: the session is this user's.
  const other = await signTestToken(randomUUID());
  const stolen = await fetch(`${shop.urls.orchestrator}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: sessionId, message: 'show my cart' }),
  });
  assert.equal(stolen.status, 403);
});
