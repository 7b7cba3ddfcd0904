import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { useTestDatabase, useTestFixture } from '@ecomm/testing';
import { startAgentShop, type AgentShop } from './agent-harness.js';
import { quickRecovery } from './checkout-fixtures.js';

const database = useTestDatabase();
let shop: AgentShop;
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

useTestFixture(
  async () => {
    // The gateway answers after 4 s, the orchestrator gives up on a charge after 0.5 s: the checkout answers 202.
    shop = await startAgentShop(
      database,
      { ...quickRecovery, PAYMENT_TIMEOUT_MS: '500', SAGA_STEP_ATTEMPTS: '2', SAGA_BACKOFF_MS: '100' },
      { PAYMENT_LATENCY_MS: '4000' },
    );
    products = await shop.resetCatalog();
  },
  async () => {
    await shop.stop();
  },
  database,
);

test('a checkout whose payment is in doubt is never reported as paid; a later turn shows how it ended', async () => {
  const shopper = await shop.newShopper();
  const { status, body } = await shop.chat(shopper, 'Buy 1 MacBook Pro');
  assert.equal(status, 200, JSON.stringify(body));
  assert.doesNotMatch(body.response, /payment received|paid/i, body.response);
  assert.match(body.response, /being confirmed/);
  assert.match(body.response, /show your cart/);
  assert.deepEqual(body.orders, []);

  // The sweep finishes the run (here it undoes it: the charge was still at the gateway when the run was taken up).
  const deadline = Date.now() + 30_000;
  let orders = await shop.orders(shopper.userId);
  while (orders.some((order) => order.status === 'pending') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    orders = await shop.orders(shopper.userId);
  }
  const [order] = orders;
  assert.ok(order && order.status !== 'pending', JSON.stringify(orders));
  const later = await shop.chat(shopper, 'Show my cart');
  assert.equal(later.status, 200);
  if (order.status === 'cancelled') assert.match(later.body.response, /MacBook Pro/);
  else assert.doesNotMatch(later.body.response, /MacBook Pro/);
});

test('an MCP checkout whose payment is in doubt tells the calling agent it is being confirmed, not received', async () => {
  const shopper = await shop.newShopper();
  const client = new Client({ name: 'system-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${shop.urls.orchestrator}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${shopper.token}` } },
    }),
  );
  try {
    const call = async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult;
    await call('add_to_cart', { product_id: products['MacBook Pro']!.id, quantity: 1 });
    const preview = (await call('checkout')).structuredContent as { preview: { confirmation: string } };
    const answer = (await call('checkout', { confirmation: preview.preview.confirmation })).structuredContent as {
      status: string;
      message: string;
    };
    assert.equal(answer.status, 'processing');
    assert.doesNotMatch(answer.message, /payment received|paid/i, answer.message);
    assert.match(answer.message, /being confirmed/);
    assert.match(answer.message, /get_order/);
  } finally {
    await client.close();
  }
});
