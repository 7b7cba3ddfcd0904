import type { ToolMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { Command, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { createFakeShop } from './fake-shop.js';

export const shopper = { userId: 'shopper-1', sessionId: 'session-1' };

/**
 * A fake shop where the shopper's cart holds 2 of its first product and 1 of its second: by default 2 Keychains
 * ($4.50) and 1 Mug ($12), the checkout's starting point.
 */
export async function shopWithFilledCart(
  catalog: Parameters<typeof createFakeShop>[0] = [
    { name: 'Keychain', price: 4.5, stock: 10 },
    { name: 'Mug', price: 12, stock: 3 },
  ],
) {
  const shop = createFakeShop(catalog);
  await shop.clients.carts.open(shopper.sessionId, shopper.userId);
  await shop.clients.carts.addItem(shopper.sessionId, 1, 2, 'seed-1');
  await shop.clients.carts.addItem(shopper.sessionId, 2, 1, 'seed-2');
  return shop;
}

export const shopperConfig = (thread = 'thread-1') => ({
  configurable: { thread_id: thread, user_id: shopper.userId, session_id: shopper.sessionId },
});

type ToolContent = { ok: boolean; error?: string } & Record<string, unknown>;

const parse = (message: ToolMessage) => ({ message, content: JSON.parse(String(message.content)) as ToolContent });

/** Calls a tool as the graph does: with a whole tool call, as the request's shopper. */
export async function callTool(tool: StructuredToolInterface, args: Record<string, unknown> = {}, id = 'call-1') {
  return parse((await tool.invoke({ id, name: tool.name, args, type: 'tool_call' }, shopperConfig())) as ToolMessage);
}

/**
 * A tool that asks the shopper to confirm pauses its graph (a LangGraph interrupt): this runs it in a graph of its
 * own, returns the question it paused on, and `answer` resumes it as the next chat message would.
 */
export async function callConfirmedTool(
  tool: StructuredToolInterface,
  args: Record<string, unknown> = {},
  thread = 'confirm-1',
) {
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('tool', async (_state, config) => ({
      messages: [await tool.invoke({ id: `${thread}-call`, name: tool.name, args, type: 'tool_call' }, config)],
    }))
    .addEdge(START, 'tool')
    .compile({ checkpointer: new MemorySaver() });
  const config = shopperConfig(thread);
  const first = await graph.invoke({ messages: [] }, config);
  const asked = (await graph.getState(config)).tasks.flatMap((task) => task.interrupts)[0]?.value as
    { question: string; summary: string; total: number } | undefined;
  return {
    asked,
    /** The tool's answer when it finished without asking (a refusal before the question). */
    unasked: asked ? undefined : parse(first.messages.at(-1) as ToolMessage),
    async answer(answer: string, askedInstead = asked) {
      const result = await graph.invoke(new Command({ resume: { answer, asked: askedInstead } }), config);
      return parse(result.messages.at(-1) as ToolMessage);
    },
  };
}
