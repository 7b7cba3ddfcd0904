import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { OfflineChatModel } from '../src/index.js';

const definition = (name: string) => ({
  type: 'function' as const,
  function: { name, description: name, parameters: {} },
});
const salesTools = [definition('search_products'), definition('add_to_cart')];

/** A conversation of `turns` searches, each answered; then "buy 1 Widget". */
function conversation(turns: number): BaseMessage[] {
  const products = [{ id: 7, name: 'Widget', price: 3.5, stock: 10, category: 'tools' }];
  return [
    ...Array.from({ length: turns }, (_, index) => [
      new HumanMessage('show me products'),
      new AIMessage({ content: '', tool_calls: [{ id: `call_${index}`, name: 'search_products', args: {} }] }),
      new ToolMessage({ tool_call_id: `call_${index}`, content: JSON.stringify({ ok: true, products, total: 1 }) }),
      new AIMessage('Here is what I found: Widget'),
    ]).flat(),
    new HumanMessage('buy 1 Widget'),
  ];
}

test("a turn's model calls parse each tool result once, however often they read the conversation", async () => {
  const model = new OfflineChatModel({}).bindTools(salesTools);
  const messages = conversation(5);
  const parse = JSON.parse;
  let parsed = 0;
  JSON.parse = ((...args: Parameters<typeof parse>) => {
    parsed += 1;
    return parse(...args);
  }) as typeof parse;
  let replies: AIMessage[];
  try {
    replies = [];
    for (let call = 0; call < 3; call++) replies.push(await model.invoke([new SystemMessage('sales'), ...messages]));
  } finally {
    JSON.parse = parse;
  }
  // The reply is the same each time: look the named product up first.
  for (const reply of replies)
    assert.deepEqual(
      reply.tool_calls?.map((call) => [call.name, call.args]),
      [['search_products', { query: 'widget', limit: 10 }]],
    );
  assert.equal(parsed, 5, 'five tool results, each parsed once');
});
