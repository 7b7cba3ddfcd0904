import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeTests, internalHeaders } from '@ecomm/testing';
import { useAgentShop, type AgentShop } from './agent-harness.js';

const clients: Client[] = [];
// Registered before the shop, so the clients close while it still answers.
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
});
const shop = useAgentShop();
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeTests(async () => {
  products = await shop.resetCatalog();
});

/** A shopper with the official SDK client over real HTTP, holding their JWT. */
async function connect() {
  const shopper = await shop.newShopper();
  const client = new Client({ name: 'system-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${shop.urls.orchestrator}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${shopper.token}` } },
  });
  await client.connect(transport);
  clients.push(client);
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { ...shopper, client, call };
}

/** Fills the shopper's MCP cart and pays through the confirmation round; answers the receipt. */
async function buy(shopper: Awaited<ReturnType<typeof connect>>, productId: number, quantity: number) {
  await shopper.call('add_to_cart', { product_id: productId, quantity });
  const preview = await shopper.call('checkout');
  const paid = await shopper.call('checkout', { confirmation: structured(preview).preview.confirmation });
  assert.equal(structured(paid).status, 'completed', text(paid));
  return structured(paid).receipt as { order_id: string };
}

const text = (result: CallToolResult) =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
type Structured = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- results are checked field by field
const structured = (result: CallToolResult) => result.structuredContent as Structured;

describe('MCP server', () => {
  test('lists the shop tools with schemas and annotations', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const names = [
      'search_products',
      'get_product',
      'view_cart',
      'add_to_cart',
      'update_cart_quantity',
      'remove_from_cart',
      'checkout',
    ];
    for (const name of [...names, 'list_orders', 'get_order', 'cancel_order', 'return_items']) {
      const tool = byName.get(name);
      assert.ok(tool, `${name} is listed`);
      assert.equal(tool.outputSchema?.type, 'object', `${name} has an output schema`);
    }
    assert.equal(byName.get('search_products')?.annotations?.readOnlyHint, true);
    assert.equal(byName.get('checkout')?.annotations?.destructiveHint, true);
    assert.equal(byName.get('cancel_order')?.annotations?.destructiveHint, true);
    assert.equal(byName.get('list_orders')?.annotations?.readOnlyHint, true);
    assert.deepEqual(byName.get('add_to_cart')?.inputSchema.required, ['product_id', 'quantity']);
  });

  test('buys with a confirmation round: the preview charges nothing, the confirmed call pays once', async () => {
    const shopper = await connect();
    const search = await shopper.call('search_products', { category: 'laptops', sort: 'price_asc' });
    assert.equal(structured(search).products[0].name, 'MacBook Pro');
    const macbook = products['MacBook Pro']!;
    const stockBefore = await shop.stock(macbook.id);
    const added = await shopper.call('add_to_cart', { product_id: macbook.id, quantity: 2 });
    assert.equal(added.isError, undefined, text(added));
    assert.equal(structured(added).cart.total, 4000);

    const preview = await shopper.call('checkout');
    assert.equal(structured(preview).status, 'confirmation_required');
    assert.equal(structured(preview).preview.amount, 4000);
    assert.match(text(preview), /\$4,000\.00/);
    assert.deepEqual(await shop.orders(shopper.userId), [], 'a preview charges nothing');

    const paid = await shopper.call('checkout', { confirmation: structured(preview).preview.confirmation });
    assert.equal(structured(paid).status, 'completed', text(paid));
    assert.equal(structured(paid).receipt.total_paid, 4000);
    const orders = await shop.orders(shopper.userId);
    assert.equal(orders.length, 1);
    assert.equal(orders[0]!.status, 'paid');
    assert.equal(await shop.stock(macbook.id), stockBefore - 2);

    // The same cart again: the old token matches it exactly but was used.
    await shopper.call('add_to_cart', { product_id: macbook.id, quantity: 2 });
    const replay = await shopper.call('checkout', { confirmation: structured(preview).preview.confirmation });
    assert.equal(replay.isError, true);
    assert.match(text(replay), /already used.*Nothing was charged or refunded/s);
    assert.equal((await shop.orders(shopper.userId)).length, 1);
  });

  test('refuses a stale confirmation and returns a fresh preview', async () => {
    const shopper = await connect();
    const ball = products['Tennis Ball']!;
    await shopper.call('add_to_cart', { product_id: ball.id, quantity: 3 });
    const preview = await shopper.call('checkout');
    await shopper.call('update_cart_quantity', { product_id: ball.id, quantity: 5 });

    const stale = await shopper.call('checkout', { confirmation: structured(preview).preview.confirmation });
    assert.equal(stale.isError, true);
    assert.match(text(stale), /changed since.*nothing was done/s);
    assert.equal(structured(stale).preview.amount, 25, 'the fresh preview shows the new total');
    assert.deepEqual(await shop.orders(shopper.userId), []);

    const forged = await shopper.call('checkout', { confirmation: `${structured(stale).preview.confirmation}x` });
    assert.equal(forged.isError, true);
    assert.match(text(forged), /not one this shop issued/);

    const paid = await shopper.call('checkout', { confirmation: structured(stale).preview.confirmation });
    assert.equal(structured(paid).receipt.total_paid, 25, text(paid));
  });

  test('the same refusals as the chat tools, as tool errors a person can act on', async () => {
    const shopper = await connect();
    const bottle = products['Water Bottle']!;
    const tooMany = await shopper.call('add_to_cart', { product_id: bottle.id, quantity: 21 });
    assert.equal(tooMany.isError, true);
    assert.match(text(tooMany), /Only 20 Water Bottle in stock/);
    const zero = await shopper.call('add_to_cart', { product_id: bottle.id, quantity: 0 });
    assert.equal(zero.isError, true);
    assert.match(text(zero), /quantity/);
    const priced = await shopper.call('add_to_cart', { product_id: bottle.id, quantity: 1, price: 0.01 });
    assert.equal(structured(priced).line.unit_price, 10, 'a price argument is ignored; the catalog decides');
    const empty = await (await connect()).call('checkout');
    assert.equal(empty.isError, true);
    assert.match(text(empty), /Cart is empty/);
    const unknown = await shopper.call('get_product', { product_id: 999999 });
    assert.match(text(unknown), /does not exist/);
  });

  test("a reserved session id is refused in the tool's own words, not the session service's", async () => {
    const shopper = await connect();
    for (const [name, args] of [
      ['view_cart', { session_id: 'stats' }],
      ['add_to_cart', { product_id: products['Water Bottle']!.id, quantity: 1, session_id: 'stats' }],
    ] as const) {
      const result = await shopper.call(name, args);
      assert.equal(result.isError, true, name);
      assert.match(text(result), /session_id/, name);
      assert.match(text(result), /reserved/, name);
      assert.doesNotMatch(text(result), /body\./, `${name} names the session service's request body`);
    }
  });

  test('a request with malformed params is an Invalid params error naming the field, not an internal error', async () => {
    const shopper = await shop.newShopper();
    for (const [method, params] of [
      ['tools/call', undefined],
      ['tools/call', { name: 'view_cart', arguments: 'all of it' }],
      ['initialize', { protocolVersion: 5 }],
    ] as const) {
      const response = await fetch(`${shop.urls.orchestrator}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${shopper.token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, ...(params ? { params } : {}) }),
      });
      const { error } = (await response.json()) as { error: { code: number; message: string } };
      assert.equal(error.code, -32602, `${method}: ${error.message}`);
      assert.match(error.message, /params/, method);
      assert.doesNotMatch(error.message, /invalid_type|"path"|"expected"/, `${method} shows the validator's issues`);
    }
  });

  test('cancels an order after a confirmation round, refunding it in full', async () => {
    const shopper = await connect();
    const order = await buy(shopper, products.Keychain!.id, 3);
    const preview = await shopper.call('cancel_order', { order_id: order.order_id });
    assert.equal(structured(preview).status, 'confirmation_required', text(preview));
    assert.equal(structured(preview).preview.refund.refund_amount, 6);
    assert.equal((await shop.orders(shopper.userId))[0]!.status, 'paid', 'a preview changes nothing');

    const cancelled = await shopper.call('cancel_order', {
      order_id: order.order_id,
      confirmation: structured(preview).preview.confirmation,
    });
    assert.equal(structured(cancelled).status, 'completed', text(cancelled));
    assert.equal(structured(cancelled).result.refund_amount, 6);
    assert.equal(structured(cancelled).message, `Order ${order.order_id} is cancelled; $6.00 is refunded.`);
    assert.equal(structured(await shopper.call('get_order', { order_id: order.order_id })).status, 'cancelled');
    const again = await shopper.call('cancel_order', { order_id: order.order_id });
    assert.equal(again.isError, true);
    assert.match(text(again), /cancelled/);
  });

  test('returns delivered units with a confirmation bound to the exact lines', async () => {
    const shopper = await connect();
    const ball = products['Golf Ball']!;
    const order = await buy(shopper, ball.id, 4);
    for (const step of ['ship', 'deliver']) {
      const response = await fetch(`${shop.urls.order}/${order.order_id}/${step}`, {
        method: 'POST',
        headers: { ...internalHeaders, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(response.status, 200);
    }
    const preview = await shopper.call('return_items', {
      order_id: order.order_id,
      lines: [{ product_id: ball.id, quantity: 1 }],
    });
    assert.equal(structured(preview).preview.amount, 5, text(preview));
    const otherLines = await shopper.call('return_items', {
      order_id: order.order_id,
      lines: [{ product_id: ball.id, quantity: 2 }],
      confirmation: structured(preview).preview.confirmation,
    });
    assert.equal(otherLines.isError, true, 'a confirmation for 1 unit does not return 2');
    assert.equal(structured(otherLines).preview.amount, 10);
    const returned = await shopper.call('return_items', {
      order_id: order.order_id,
      lines: [{ product_id: ball.id, quantity: 2 }],
      confirmation: structured(otherLines).preview.confirmation,
    });
    assert.equal(structured(returned).result.refund_amount, 10, text(returned));
    assert.equal(structured(returned).result.order.status, 'partially_returned');
  });

  test('another user sees nothing of mine', async () => {
    const owner = await connect();
    const order = await buy(owner, products['Tennis Ball']!.id, 1);
    await owner.call('add_to_cart', {
      product_id: products.Keychain!.id,
      quantity: 1,
      session_id: `shared-${owner.userId}`,
    });
    const intruder = await connect();
    for (const [name, args] of [
      ['view_cart', {}],
      ['checkout', {}],
      ['remove_from_cart', { product_id: products.Keychain!.id }],
    ] as const) {
      const attempt = await intruder.call(name, { ...args, session_id: `shared-${owner.userId}` });
      assert.equal(attempt.isError, true, name);
      assert.match(text(attempt), /belongs to another user/);
    }
    assert.deepEqual(structured(await intruder.call('view_cart')).items, [], 'their own MCP cart is their own');
    assert.deepEqual(structured(await intruder.call('list_orders')).items, []);
    for (const name of ['get_order', 'cancel_order']) {
      const attempt = await intruder.call(name, { order_id: order.order_id });
      assert.equal(attempt.isError, true);
      assert.match(text(attempt), /not found/);
    }
    assert.equal((await shop.orders(owner.userId))[0]!.status, 'paid');
    assert.equal((await shop.cart(`shared-${owner.userId}`)).items.length, 1);
  });

  test("nobody takes another user's MCP cart first, through a tool's session_id or /chat", async () => {
    const owner = await connect();
    const squatter = await connect();
    // The name is derived from the owner's id alone: anyone who learnt the id could compute it.
    const ownersCart = `mcp-${createHash('sha256').update(owner.userId).digest('hex').slice(0, 40)}`;
    const taken = await squatter.call('view_cart', { session_id: ownersCart });
    assert.equal(taken.isError, true);
    assert.match(text(taken), /belongs to another user/);
    const chatted = await shop.chat(squatter, 'show my cart', ownersCart);
    assert.equal(chatted.status, 403, JSON.stringify(chatted.body));

    const added = await owner.call('add_to_cart', { product_id: products.Keychain!.id, quantity: 1 });
    assert.equal(added.isError, undefined, text(added));
    assert.deepEqual(
      structured(await owner.call('view_cart')).items.map((item: { quantity: number }) => item.quantity),
      [1],
    );
    assert.equal((await shop.cart(ownersCart)).items.length, 1, 'the default cart is the one named after the owner');
  });

  test('arguments the services would refuse are refused by the tools’ own schemas, not with the services’ request shapes', async () => {
    const shopper = await connect();
    for (const [name, args] of [
      ['view_cart', { session_id: 'stats' }],
      ['list_orders', { offset: 2_000_000 }],
    ] as const) {
      const refused = await shopper.call(name, args);
      assert.equal(refused.isError, true, name);
      assert.match(text(refused), /Input validation error/, name);
      assert.doesNotMatch(text(refused), /body\.|querystring\./, name);
    }
  });

  test('without a valid token: 401 pointing at the protected resource metadata, which names the auth service', async () => {
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const response = await fetch(`${shop.urls.orchestrator}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      assert.equal(response.status, 401);
      const challenge = /^Bearer resource_metadata="([^"]+)"$/.exec(response.headers.get('www-authenticate') ?? '');
      assert.ok(challenge, `challenge: ${response.headers.get('www-authenticate')}`);
      const metadata = (await (await fetch(challenge[1]!)).json()) as {
        resource: string;
        authorization_servers: string[];
      };
      assert.equal(metadata.resource, `${shop.urls.orchestrator}/mcp`);
      assert.deepEqual(metadata.authorization_servers, ['http://localhost:8005']);
    }
    const client = new Client({ name: 'anonymous', version: '1.0.0' });
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(`${shop.urls.orchestrator}/mcp`))));
    assert.equal((await fetch(`${shop.urls.orchestrator}/mcp`, { method: 'GET' })).status, 401);
  });
});
