import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
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

test('a JSON-RPC batch cannot carry more tool calls than the limit in one POST', async () => {
  const shopper = await shop.newShopper();
  // The SDK's own transport sends a batch when given an array, as any client could.
  const transport = new StreamableHTTPClientTransport(new URL(`${shop.urls.orchestrator}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${shopper.token}` } },
  });
  const answered: JSONRPCMessage[] = [];
  transport.onmessage = (message) => answered.push(message);
  await transport.start();
  const calls = Array.from({ length: 20 }, (_, id) => ({
    jsonrpc: '2.0' as const,
    id,
    method: 'tools/call',
    params: { name: 'view_cart', arguments: {} },
  }));
  const sent = await transport.send(calls).then(
    () => 'sent',
    (error: Error) => error.message,
  );
  await transport.close();
  assert.ok(answered.length <= 6, `${answered.length} calls of one batch were served (${sent})`);
  assert.match(sent, /400.*one JSON-RPC message/);
});
