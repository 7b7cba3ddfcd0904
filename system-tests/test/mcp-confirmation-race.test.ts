import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeTests } from '@ecomm/testing';
import { useAgentShop, type AgentShop } from './agent-harness.js';

// A checkout confirmation is bound to its user, its cart, its contents and its lifetime.
const clients: Client[] = [];
// Registered before the shop, so the clients close while it still answers.
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
});
const shop = useAgentShop({ MCP_CONFIRMATION_TTL_SECONDS: '10' });
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeTests(async () => {
  products = await shop.resetCatalog();
});

async function connect() {
  const shopper = await shop.newShopper();
  const client = new Client({ name: 'confirmation-race', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${shop.urls.orchestrator}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${shopper.token}` } },
    }),
  );
  clients.push(client);
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { ...shopper, call };
}

type Structured = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- results are checked field by field
const structured = (result: CallToolResult) => result.structuredContent as Structured;

describe('MCP checkout confirmations', () => {
  test('a token is refused for another user with the same cart, for another cart of the same user, and once used', async () => {
    const ball = products['Tennis Ball']!.id;
    const owner = await connect();
    const intruder = await connect();
    await owner.call('add_to_cart', { product_id: ball, quantity: 2 });
    await intruder.call('add_to_cart', { product_id: ball, quantity: 2 });
    const token = structured(await owner.call('checkout')).preview.confirmation as string;

    const foreign = await intruder.call('checkout', { confirmation: token });
    assert.equal(foreign.isError, true, 'another user cannot use my confirmation');
    assert.deepEqual(await shop.orders(intruder.userId), []);

    await owner.call('add_to_cart', { product_id: ball, quantity: 2, session_id: `other-${owner.userId}` });
    const otherCart = await owner.call('checkout', { confirmation: token, session_id: `other-${owner.userId}` });
    assert.equal(otherCart.isError, true, 'a confirmation of one cart does not pay another');

    assert.equal(structured(await owner.call('checkout', { confirmation: token })).status, 'completed');
    await owner.call('add_to_cart', { product_id: ball, quantity: 2 });
    const replay = await owner.call('checkout', { confirmation: token });
    assert.equal(replay.isError, true, 'single use');
    assert.equal((await shop.orders(owner.userId)).length, 1);
  });

  test('an expired token is refused', async () => {
    const owner = await connect();
    await owner.call('add_to_cart', { product_id: products['Tennis Ball']!.id, quantity: 1 });
    const token = structured(await owner.call('checkout')).preview.confirmation as string;
    await sleep(11_000);
    const late = await owner.call('checkout', { confirmation: token });
    assert.equal(late.isError, true);
    assert.deepEqual(await shop.orders(owner.userId), []);
  });
  test('an item added while a confirmed checkout starts is never charged beyond the confirmed amount', async () => {
    const ball = products['Tennis Ball']!.id;
    const keychain = products.Keychain!.id;
    const overcharged: string[] = [];
    for (const delayMs of [0, 2, 5, 10, 15, 20, 30, 45]) {
      const shopper = await connect();
      await shopper.call('add_to_cart', { product_id: ball, quantity: 1 });
      const preview = structured(await shopper.call('checkout')).preview;
      const [paid] = await Promise.all([
        shopper.call('checkout', { confirmation: preview.confirmation }),
        sleep(delayMs).then(() => shopper.call('add_to_cart', { product_id: keychain, quantity: 1 })),
      ]);
      if (paid.isError) {
        // Refused before the charge: the refusal says so and the cart keeps both items for a new preview.
        assert.match(JSON.stringify(paid.content), /nothing was charged/i);
        const cart = structured(await shopper.call('view_cart'));
        assert.deepEqual([cart.status, cart.items.length], ['open', 2]);
        continue;
      }
      const receipt = structured(paid).receipt as { total_paid: number } | undefined;
      if (receipt && receipt.total_paid !== preview.amount)
        overcharged.push(`delay ${delayMs}: confirmed ${preview.amount}, paid ${receipt.total_paid}`);
    }
    assert.deepEqual(overcharged, []);
  });
});
