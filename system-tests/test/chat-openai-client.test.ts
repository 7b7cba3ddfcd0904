import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internalHeaders, startFakeOpenAi, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { startAgentShop, type AgentShop } from './agent-harness.js';

const database = useTestDatabase();
let shop: AgentShop;
let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
let quantityToAdd = 1;
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

const toolNames = (request: { tools?: { function: { name: string } }[] }) =>
  (request.tools ?? []).map((tool) => tool.function.name);

useTestFixture(
  async () => {
    // Plays an LLM: routes, searches, then adds and hands over in one reply, checks out, and reports the receipt.
    fake = await startFakeOpenAi((request) => {
      const tools = toolNames(request);
      const last = request.messages.at(-1)!;
      if (!tools.includes('view_cart')) return { tool_calls: [{ name: 'transfer_to_sales', arguments: {} }] };
      if (tools.includes('search_products')) {
        if (last.role === 'user') return { tool_calls: [{ name: 'search_products', arguments: { query: 'macbook' } }] };
        if (last.role === 'tool' && last.content?.includes('"products"')) {
          const [product] = (JSON.parse(last.content) as { products: { id: number }[] }).products;
          return {
            tool_calls: [
              { name: 'add_to_cart', arguments: { product_id: product!.id, quantity: quantityToAdd } },
              { name: 'transfer_to_checkout', arguments: {} },
            ],
          };
        }
      }
      if (last.role === 'tool' && last.content?.includes('"ok":false')) return { content: 'Sorry, that did not work.' };
      if (last.role === 'tool' && last.content?.includes('receipt')) {
        const { message } = JSON.parse(last.content) as { message: string };
        return { content: `All done.\n${message}` };
      }
      return { tool_calls: [{ name: 'checkout', arguments: {} }] };
    });
    shop = await startAgentShop(database, {
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      LLM_MODEL: 'fake-gpt',
    });
    products = await shop.resetCatalog();
  },
  async () => {
    await shop.stop();
    await fake.close();
  },
  database,
);

test('the real OpenAI client drives the graph against an OpenAI-compatible endpoint', async () => {
  const shopper = await shop.newShopper();
  const { status, body } = await shop.chat(shopper, 'Buy 1 MacBook Pro');
  assert.equal(status, 200);
  assert.deepEqual(
    body.steps.map((step) => step.tool),
    ['search_products', 'add_to_cart', 'transfer_to_checkout', 'checkout'],
  );
  assert.match(body.response, /^All done\.\nOrder placed and paid:\n- 1 × MacBook Pro/);
  assert.equal(body.usage.model_calls, 5, 'route, search, add and hand over together, checkout, answer');

  assert.equal(fake.requests.length, 5);
  assert.ok(fake.requests.every((request) => request.model === 'fake-gpt'));
  assert.deepEqual(toolNames(fake.requests[0]!), ['transfer_to_sales', 'transfer_to_checkout', 'transfer_to_orders']);
  assert.equal(fake.requests[0]!.tool_choice, 'required');
  assert.equal(fake.requests[0]!.messages[0]!.role, 'system');
  const toolResult = fake.requests[2]!.messages.at(-1)!;
  assert.equal(toolResult.role, 'tool');
  assert.match(toolResult.content ?? '', /"name":"MacBook Pro","price":2000/);

  const [order] = await shop.orders(shopper.userId);
  assert.equal(order?.status, 'paid');
  const metrics = await (await fetch(`${shop.urls.orchestrator}/metrics`)).text();
  assert.match(metrics, /ecomm_llm_tokens_total\{model="fake-gpt",type="input",service="orchestrator"\} 500/);
  assert.match(metrics, /ecomm_llm_calls_total\{model="fake-gpt",service="orchestrator"\} 5/);
});

test('a hand-off in the same reply as a refused add is not followed, so nothing else in the cart is bought', async () => {
  const shopper = await shop.newShopper();
  const session = async (path: string, body: unknown) =>
    fetch(`${shop.urls.session}${path}`, {
      method: 'POST',
      headers: { ...internalHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await session('/', { user_id: shopper.userId, session_id: shopper.sessionId });
  assert.equal(
    (await session(`/${shopper.sessionId}/items`, { product_id: products.Keychain!.id, quantity: 1 })).status,
    200,
  );
  // The fake LLM now asks for 11 MacBook Pros (10 in stock) and hands over to checkout in the same reply.
  quantityToAdd = 11;
  try {
    const { body } = await shop.chat(shopper, 'Buy 11 MacBook Pros');
    assert.deepEqual(
      body.steps.map((step) => [step.tool, step.ok]),
      [
        ['search_products', true],
        ['add_to_cart', false],
        ['transfer_to_checkout', false],
      ],
    );
    assert.deepEqual(await shop.orders(shopper.userId), []);
    assert.equal((await shop.cart(shopper.sessionId)).items.length, 1, 'the keychain is still in the cart, unbought');
  } finally {
    quantityToAdd = 1;
  }
});
