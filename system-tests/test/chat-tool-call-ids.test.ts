import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startFakeOpenAi, useTestDatabase, useTestFixture, type FakeCallIds, type TestDatabase } from '@ecomm/testing';
import { startAgentShop, type AgentShop } from './agent-harness.js';

const toolNames = (request: { tools?: { function: { name: string } }[] }) =>
  (request.tools ?? []).map((tool) => tool.function.name);

/** Plays an LLM that names its tool calls as some OpenAI-compatible servers do: the same id every time, or none. */
async function shopWithCallIds(database: TestDatabase, callIds: FakeCallIds) {
  let quantity = 1;
  const fake = await startFakeOpenAi((request) => {
    const last = request.messages.at(-1)!;
    if (!toolNames(request).includes('view_cart'))
      return { tool_calls: [{ name: 'transfer_to_sales', arguments: {} }] };
    if (last.role === 'user') return { tool_calls: [{ name: 'search_products', arguments: { query: 'macbook' } }] };
    if (last.content?.includes('"products"')) {
      const [product] = (JSON.parse(last.content) as { products: { id: number }[] }).products;
      return { tool_calls: [{ name: 'add_to_cart', arguments: { product_id: product!.id, quantity } }] };
    }
    return { content: 'Done.' };
  }, callIds);
  const shop = await startAgentShop(database, {
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'sk-test',
    LLM_MODEL: 'fake-gpt',
  });
  const products = await shop.resetCatalog();
  return { fake, shop, products, setQuantity: (value: number) => (quantity = value) };
}

for (const callIds of ['constant', 'missing'] as const) {
  describe(`the real OpenAI client, tool-call ids ${callIds === 'constant' ? 'always "call_0"' : 'missing'}`, () => {
    const database = useTestDatabase();
    let context: Awaited<ReturnType<typeof shopWithCallIds>>;
    let shop: AgentShop;

    useTestFixture(
      async () => {
        context = await shopWithCallIds(database, callIds);
        shop = context.shop;
      },
      async () => {
        await shop.stop();
        await context.fake.close();
      },
      database,
    );

    test('each add in each turn adds, whatever ids the provider sends, and every step reports what happened', async () => {
      const shopper = await shop.newShopper();
      const macbook = context.products['MacBook Pro']!;
      const turns: [string, number, number][] = [
        ['Add a MacBook Pro', 1, 1],
        ['Add another MacBook Pro', 1, 2],
        ['Add two more MacBook Pros', 2, 4],
      ];
      for (const [message, quantity, expected] of turns) {
        context.setQuantity(quantity);
        const { status, body } = await shop.chat(shopper, message);
        assert.equal(status, 200, JSON.stringify(body));
        assert.deepEqual(
          body.steps.map((step) => [step.tool, step.ok]),
          [
            ['search_products', true],
            ['add_to_cart', true],
          ],
          `${message}: ${JSON.stringify(body.steps)}`,
        );
        const cart = await shop.cart(shopper.sessionId);
        assert.deepEqual(
          cart.items.map((item) => [item.product_id, item.quantity]),
          [[macbook.id, expected]],
          message,
        );
      }
    });
  });
}
