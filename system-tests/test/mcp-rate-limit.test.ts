import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { beforeTests } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

const clients: Client[] = [];
// Registered before the shop, so the clients close while it still answers.
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
});
const shop = useAgentShop({ RATE_LIMIT_MCP: '6/minute' });

beforeTests(async () => {
  await shop.resetCatalog();
});

async function connect() {
  const shopper = await shop.newShopper();
  const client = new Client({ name: 'rate-limit-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${shop.urls.orchestrator}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${shopper.token}` } },
    }),
  );
  clients.push(client);
  return client;
}

test('MCP messages are limited per user: past the limit a call is refused with 429, another user is still served', async () => {
  const first = await connect();
  const outcomes: string[] = [];
  for (let call = 0; call < 8; call++) {
    outcomes.push(
      await first.callTool({ name: 'view_cart', arguments: {} }).then(
        () => 'served',
        (error: Error) => (/429/.test(error.message) ? 'limited' : `failed: ${error.message}`),
      ),
    );
  }
  assert.ok(outcomes.includes('served'), outcomes.join(', '));
  assert.equal(outcomes.at(-1), 'limited', outcomes.join(', '));
  assert.deepEqual(
    outcomes.filter((outcome) => outcome.startsWith('failed')),
    [],
  );

  const second = await connect();
  const { tools } = await second.listTools();
  assert.ok(
    tools.some((tool) => tool.name === 'view_cart'),
    'another user has a limit of their own',
  );
});

test('a JSON-RPC batch is refused: it would pass the per-message limit as one message', async () => {
  const shopper = await shop.newShopper();
  const calls = Array.from({ length: 8 }, (_, id) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'add_to_cart', arguments: { product_id: 1, quantity: 1 } },
  }));
  const response = await fetch(`${shop.urls.orchestrator}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${shopper.token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify(calls),
  });
  const text = await response.text();
  assert.equal(response.status, 400, text);
  assert.match(text, /one JSON-RPC message/);
  const carts = await fetch(`${shop.urls.orchestrator}/conversations`, {
    headers: { authorization: `Bearer ${shopper.token}` },
  });
  assert.deepEqual(((await carts.json()) as { items: unknown[] }).items, [], 'no tool of the batch ran');
});
