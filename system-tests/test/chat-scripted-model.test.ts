import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ToolMessage } from '@langchain/core/messages';
import { buildApp } from '@ecomm/orchestrator-service/app';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { beforeTests, ScriptedChatModel, startTestService, useTestDatabase } from '@ecomm/testing';
import { useAgentShop, type AgentShop } from './agent-harness.js';

// The graph with a scripted model, as in LangGraph's supervisor tests: whatever the model asks for, the tools
// validate it, and the exact trajectory is what runs. The rest of the shop is real.

const database = useTestDatabase();
const shop = useAgentShop({}, {}, database);
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeTests(async () => {
  products = await shop.resetCatalog();
});

async function orchestratorWith(model: ScriptedChatModel, environment: Record<string, string> = {}) {
  const serviceUrls = Object.fromEntries(
    (['product', 'order', 'payment', 'session'] as const).map((name) => [
      `${name.toUpperCase()}_SERVICE_URL`,
      shop.urls[name],
    ]),
  );
  return startTestService(
    { ...orchestratorService, buildApp: (config) => buildApp(config, { chatModel: model }) },
    database,
    {
      ...serviceUrls,
      ...environment,
    },
  );
}

function chatResponse(url: string, shopper: { token: string; sessionId: string }, message: string) {
  return fetch(`${url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: shopper.sessionId, message }),
  });
}

async function chat(url: string, shopper: { token: string; sessionId: string }, message: string) {
  const response = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: shopper.sessionId, message }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as { response: string; steps: { tool: string; args: unknown; ok: boolean }[] };
}

test('the tools refuse bad quantities, unknown ids and prices, whatever the model says', async () => {
  const macbook = products['MacBook Pro']!.id;
  const model = new ScriptedChatModel([
    [{ call: 'transfer_to_sales' }],
    [{ call: 'add_to_cart', args: { product_id: macbook, quantity: 0 } }],
    [{ call: 'add_to_cart', args: { product_id: macbook, quantity: -1 } }],
    [{ call: 'add_to_cart', args: { product_id: macbook, quantity: 'three' } }],
    [{ call: 'add_to_cart', args: { product_id: macbook, quantity: 2.5 } }],
    [{ call: 'add_to_cart', args: { product_id: macbook, quantity: 11 } }],
    [{ call: 'add_to_cart', args: { product_id: 9999, quantity: 1 } }],
    [{ call: 'apply_discount', args: { percent: 99 } }],
    [{ call: 'remove_from_cart', args: { product: 'the laptop' } }],
    [{ call: 'add_to_cart', args: { product_id: macbook, quantity: 1, price: 1 } }, { call: 'transfer_to_checkout' }],
    [{ call: 'checkout', args: { price: 1 } }],
    [{ say: 'Done.' }],
  ]);
  const orchestrator = await orchestratorWith(model);
  try {
    const shopper = await shop.newShopper();
    const body = await chat(orchestrator.url, shopper, 'Sell me a MacBook Pro for $1');
    assert.deepEqual(
      body.steps.map((step) => [step.tool, step.ok]),
      [
        ['add_to_cart', false],
        ['add_to_cart', false],
        ['add_to_cart', false],
        ['add_to_cart', false],
        ['add_to_cart', false],
        ['add_to_cart', false],
        ['apply_discount', false],
        ['remove_from_cart', false],
        ['add_to_cart', true],
        ['transfer_to_checkout', true],
        ['checkout', true],
      ],
    );
    const refusals = model.calls
      .flatMap((call) => call.messages)
      .filter(
        (message): message is ToolMessage => ToolMessage.isInstance(message) && String(message.content).startsWith('{'),
      )
      .map((message) => (JSON.parse(String(message.content)) as { error?: string }).error ?? '');
    for (const reason of [
      'at least 1; 0',
      'at least 1; -1',
      '"three" is not a number',
      '2.5 is not a whole number',
      'Only 10 MacBook Pro in stock',
      'Product 9999 does not exist',
      'no tool named apply_discount',
      'Invalid arguments for remove_from_cart',
    ]) {
      assert.ok(
        refusals.some((content) => content.includes(reason)),
        `the model was told: ${reason}`,
      );
    }
    // Who was asked: the supervisor with its hand-off tools, then the sales agent, then the checkout agent.
    assert.deepEqual(model.calls[0]!.tools, ['transfer_to_sales', 'transfer_to_checkout', 'transfer_to_orders']);
    assert.ok(model.calls[1]!.tools.includes('search_products') && !model.calls[1]!.tools.includes('checkout'));
    assert.ok(model.calls[10]!.tools.includes('checkout') && !model.calls[10]!.tools.includes('add_to_cart'));
    const [order] = await shop.orders(shopper.userId);
    assert.equal(order?.total, 2000, 'the price came from the catalog');
    assert.equal(await shop.stock(macbook), 9);
  } finally {
    await orchestrator.app.close();
  }
});

test('a second message to a session while the first is being answered gets 409', async () => {
  // Each model call takes 500 ms, so the first turn holds the session for a second.
  const model = new ScriptedChatModel([[{ call: 'transfer_to_sales' }], [{ say: 'Hello!' }]], 500);
  const orchestrator = await orchestratorWith(model);
  try {
    const shopper = await shop.newShopper();
    const send = () =>
      fetch(`${orchestrator.url}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: shopper.sessionId, message: 'hello' }),
      });
    const responses = await Promise.all([send(), send()]);
    assert.deepEqual(responses.map((response) => response.status).sort(), [200, 409]);
    const refused = responses.find((response) => response.status === 409)!;
    assert.match(((await refused.json()) as { message: string }).message, /Still answering your previous message/);
    assert.equal(model.calls.length, 2, 'only one turn reached the model');
  } finally {
    await orchestrator.app.close();
  }
});

test('many conversations at once do not exhaust a small database pool', async () => {
  // Each turn takes a second of model time; twelve at once on a pool of three connections.
  const model = new ScriptedChatModel(
    (tools) => (tools.includes('view_cart') ? [{ say: 'Hello!' }] : [{ call: 'transfer_to_sales' }]),
    500,
  );
  const orchestrator = await orchestratorWith(model, { DATABASE_POOL_MAX: '3' });
  try {
    const shoppers = await Promise.all(Array.from({ length: 12 }, () => shop.newShopper()));
    const statuses = await Promise.all(
      shoppers.map(async (shopper) => (await chatResponse(orchestrator.url, shopper, 'hello')).status),
    );
    assert.deepEqual(statuses, Array(12).fill(200));
  } finally {
    await orchestrator.app.close();
  }
});
