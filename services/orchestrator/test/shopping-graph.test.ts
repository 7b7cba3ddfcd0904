import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { AIMessage, ToolMessage } from '@langchain/core/messages';
import { ScriptedChatModel, type ScriptedTurn } from '@ecomm/testing';
import { createFakeShop, type FakeShop } from './fake-shop.js';
import { scriptedGraph } from './graph-harness.js';
import { useSagaRepository } from './saga-harness.js';
import { checkoutCalls } from './shop-services.js';
import { shopper } from './tool-harness.js';

// The supervisor graph with a scripted model, as in LangGraph's supervisor tests: whatever the model asks for, the
// exact trajectory that runs, who answers, and what the tools let through. The shop behind the tools is a fake.

const database = useSagaRepository();
let shop: FakeShop;

beforeEach(async () => {
  shop = createFakeShop([
    { name: 'MacBook Pro', price: 1999.99, stock: 5, category: 'laptops' },
    { name: 'ThinkPad X1', price: 1499, stock: 2, category: 'laptops' },
  ]);
  await shop.clients.carts.open(shopper.sessionId, shopper.userId);
  shop.take();
});

const graphWith = (
  script: ScriptedTurn[][],
  options: { confirmation: boolean; historyLimit?: number } = { confirmation: false },
) => {
  const model = new ScriptedChatModel(script);
  return { model, ...scriptedGraph(model, shop, database.repository, options) };
};

const writes = () => shop.take().filter((call) => !['carts.get', 'products.get', 'products.search'].includes(call));

test('"buy the cheapest laptop": supervisor → sales finds and adds it, hands over → checkout pays', async () => {
  const { model, turn } = graphWith([
    [{ call: 'transfer_to_sales' }],
    [{ call: 'search_products', args: { query: 'laptop', sort: 'price_asc' } }],
    [{ call: 'add_to_cart', args: { product_id: 2, quantity: 1 } }, { call: 'transfer_to_checkout' }],
    [{ call: 'checkout' }],
    [{ say: 'Paid $1,499.00 for a ThinkPad X1.' }],
  ]);

  const result = await turn('Buy the cheapest laptop and check out');
  const addItem = shop.calls.find((call) => call.name === 'carts.addItem')!;

  assert.deepEqual(result.agents, ['supervisor', 'sales', 'sales', 'checkout', 'checkout']);
  assert.deepEqual(result.tools, [
    ['search_products', true],
    ['add_to_cart', true],
    ['transfer_to_checkout', true],
    ['checkout', true],
  ]);
  assert.deepEqual(writes(), ['carts.addItem', ...checkoutCalls]);
  assert.equal(result.reply, 'Paid $1,499.00 for a ThinkPad X1.');
  assert.deepEqual(
    model.calls[0]!.tools,
    ['transfer_to_sales', 'transfer_to_checkout', 'transfer_to_orders'],
    'the supervisor only routes',
  );
  // Tool-call ids are the server's, never the provider's: the cart write's idempotency key is built on it.
  const added = result.toolMessages.find((message) => message.name === 'add_to_cart')!;
  assert.match(added.tool_call_id, /^call_[0-9a-f-]{36}$/);
  assert.equal(addItem.args[3], `${shopper.sessionId}:${added.tool_call_id}`);
});

test('a hand-off in the same reply as a refused action is not followed', async () => {
  const { turn } = graphWith([
    [{ call: 'transfer_to_sales' }],
    [{ call: 'add_to_cart', args: { product_id: 2, quantity: 3 } }, { call: 'transfer_to_checkout' }],
    [{ say: 'Only 2 are in stock.' }],
  ]);

  const result = await turn('Buy three ThinkPads');

  assert.deepEqual(result.agents, ['supervisor', 'sales', 'sales']);
  assert.deepEqual(result.tools, [
    ['add_to_cart', false],
    ['transfer_to_checkout', false],
  ]);
  assert.match(String(result.toolMessages[1]!.content), /Not handed over, because another action in this step failed/);
  assert.deepEqual(writes(), []);
});

test('a tool the agent does not have, or arguments that do not fit, go back to the model as refusals', async () => {
  const { turn } = graphWith([
    [{ call: 'transfer_to_sales' }],
    [{ call: 'apply_discount', args: { percent: 99 } }],
    [{ call: 'checkout' }],
    [{ call: 'add_to_cart', args: { product_id: 'the laptop', quantity: 1 } }],
    [{ say: 'I cannot do that.' }],
  ]);

  const result = await turn('Give me 99% off and pay');

  assert.deepEqual(result.agents, ['supervisor', 'sales', 'sales', 'sales', 'sales']);
  assert.deepEqual(result.tools, [
    ['apply_discount', false],
    ['checkout', false],
    ['add_to_cart', false],
  ]);
  const errors = result.toolMessages.map((message) => (JSON.parse(String(message.content)) as { error: string }).error);
  assert.equal(errors[0], 'There is no tool named apply_discount.');
  assert.equal(errors[1], 'There is no tool named checkout.', 'the sales agent cannot pay by itself');
  assert.match(errors[2]!, /^Invalid arguments for add_to_cart/);
  assert.deepEqual(writes(), []);
});

test("checkout pauses for the shopper's yes; the next message resumes it inside the checkout agent", async () => {
  const { turn } = graphWith(
    [
      [{ call: 'transfer_to_checkout' }],
      [{ call: 'checkout' }],
      [{ say: 'Paid.' }],
      [{ call: 'transfer_to_checkout' }],
      [{ call: 'checkout' }],
      [{ say: 'Nothing was charged.' }],
    ],
    { confirmation: true },
  );
  await shop.clients.carts.addItem(shopper.sessionId, 1, 1, 'seed');
  shop.take();

  const paused = await turn('Check out');
  assert.deepEqual(paused.agents, ['supervisor', 'checkout']);
  assert.deepEqual(paused.asked, {
    question: 'You are about to pay $1,999.99 for 1 × MacBook Pro ($1,999.99). Reply "yes" to confirm.',
    summary: '1 × MacBook Pro ($1,999.99)',
    total: 1999.99,
    action: 'pay',
  });
  assert.deepEqual(writes(), [], 'nothing is bought before the yes');

  const paid = await turn('yes');
  assert.deepEqual(paid.agents, ['checkout']);
  assert.deepEqual(paid.tools, [['checkout', true]]);
  assert.deepEqual(writes(), checkoutCalls);
  assert.equal(paid.reply, 'Paid.');

  await shop.clients.carts.addItem(shopper.sessionId, 2, 1, 'seed-2');
  shop.take();
  assert.ok((await turn('Check out again')).asked);
  const declined = await turn('no');
  assert.deepEqual(declined.tools, [['checkout', false]]);
  assert.equal(declined.reply, 'Nothing was charged.');
  assert.deepEqual(writes(), []);
});

test('the supervisor routes order questions to the orders agent, which hands a purchase over to sales', async () => {
  const { turn } = graphWith([
    [{ call: 'transfer_to_orders' }],
    [{ call: 'list_orders' }],
    [{ call: 'transfer_to_sales' }],
    [{ call: 'search_products', args: { query: 'macbook' } }],
    [{ say: 'You have no orders yet; the MacBook Pro is $1,999.99.' }],
  ]);

  const result = await turn('Where is my order? If there is none, find me a MacBook');

  assert.deepEqual(result.agents, ['supervisor', 'orders', 'orders', 'sales', 'sales']);
  assert.deepEqual(result.tools, [
    ['list_orders', true],
    ['transfer_to_sales', true],
    ['search_products', true],
  ]);
  assert.deepEqual(shop.take(), ['orders.list', 'products.search']);
});

test('a supervisor reply without a route goes to the sales agent', async () => {
  const { turn } = graphWith([[{ say: 'hmm' }], [{ say: 'How can I help?' }]]);

  const result = await turn('Hello');

  assert.deepEqual(result.agents, ['supervisor', 'sales']);
  assert.deepEqual(result.tools, []);
  assert.equal(result.reply, 'How can I help?');
});

test('a finished turn lets go of the messages no model call will see again; the models see the same window', async () => {
  // Four turns of a supervisor call and an answer each; the models see the last 4 messages from a human turn on.
  const script = [1, 2, 3, 4].flatMap((index) => [[{ say: 'route' }], [{ say: `Answer ${index}` }]]);
  const { model, turn, kept } = graphWith(script, { confirmation: false, historyLimit: 4 });

  for (const index of [1, 2, 3, 4]) {
    const result = await turn(`Question ${index}`);
    assert.equal(result.reply, `Answer ${index}`);
  }

  assert.deepEqual(await kept(), ['Question 3', 'Answer 3', 'Question 4', 'Answer 4']);
  // What each turn's answering call saw, after its system prompt: what it would have seen had nothing been let go of
  // (the last 4 messages, moved back to a human turn's start).
  const seen = model.calls.map((call) => call.messages.slice(1).map((message) => message.content));
  assert.deepEqual(seen.at(-3), ['Question 1', 'Answer 1', 'Question 2', 'Answer 2', 'Question 3']);
  assert.deepEqual(seen.at(-1), ['Question 2', 'Answer 2', 'Question 3', 'Answer 3', 'Question 4']);
});

test('a turn whose model fails after a tool ran is kept once, as far as it got; the next turn sees no unanswered call', async () => {
  // A model that fails at its third call (the sales agent, once add_to_cart has run), then answers again.
  const replies: (ScriptedTurn[] | 'fail')[] = [
    [{ call: 'transfer_to_sales' }],
    [{ call: 'add_to_cart', args: { product_id: 1, quantity: 1 } }],
    'fail',
    [{ call: 'transfer_to_sales' }],
    [{ say: 'Your cart holds one MacBook Pro.' }],
  ];
  const model = new ScriptedChatModel(() => {
    const next = replies.shift();
    if (next === 'fail' || !next) throw new Error('the model endpoint answered 500');
    return next;
  });
  const { turn, kept } = scriptedGraph(model, shop, database.repository);

  await assert.rejects(turn('Add a MacBook Pro'), /answered 500/);
  assert.deepEqual(writes(), ['carts.addItem'], 'the tool ran once');
  const afterFailure = await kept();
  assert.equal(afterFailure.filter((content) => content === 'Add a MacBook Pro').length, 1);

  const result = await turn('What is in my cart?');
  assert.equal(result.reply, 'Your cart holds one MacBook Pro.');
  const seen = model.calls.at(-1)!.messages;
  assert.equal(seen.filter((message) => message.content === 'Add a MacBook Pro').length, 1);
  const answered = new Set(seen.flatMap((message) => (message as ToolMessage).tool_call_id ?? []));
  const asked = seen.flatMap((message) => (message as AIMessage).tool_calls ?? []);
  assert.ok(
    asked.every((call) => answered.has(call.id!)),
    'every tool call the model sees has its result',
  );
  assert.deepEqual(writes(), []);
});
