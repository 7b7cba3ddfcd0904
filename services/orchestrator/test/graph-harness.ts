import { HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Command, MemorySaver } from '@langchain/langgraph';
import type { ScriptedChatModel } from '@ecomm/testing';
import {
  buildShoppingGraph,
  turnSettings,
  type AgentName,
  type ShoppingGraph,
} from '../src/agents/graph/shopping-graph.js';
import { createCheckoutTools } from '../src/agents/tools/checkout-tools.js';
import { createOrderTools } from '../src/agents/tools/order-tools.js';
import { createSalesTools } from '../src/agents/tools/sales-tools.js';
import type { SagaRepository } from '../src/saga/saga-repository.js';
import type { FakeShop } from './fake-shop.js';
import { shopServices } from './shop-services.js';
import { shopperConfig } from './tool-harness.js';

/** The shopping graph as app.ts builds it, with a scripted model, over a fake shop; turns run as chat-service's do. */
export function scriptedGraph(
  model: ScriptedChatModel,
  shop: FakeShop,
  repository: SagaRepository,
  options: { confirmation: boolean; historyLimit?: number } = { confirmation: false },
) {
  const { shopping, checkout, orders } = shopServices(shop, repository);
  const sales = createSalesTools(shopping);
  const checkoutTools = createCheckoutTools(shopping, checkout, options);
  const graph = buildShoppingGraph({
    model,
    modelName: 'scripted',
    checkpointer: new MemorySaver(),
    salesTools: [sales.searchProducts, sales.addToCart, sales.updateCartQuantity, sales.removeFromCart, sales.viewCart],
    checkoutTools: [checkoutTools.viewCart, checkoutTools.checkout],
    orderTools: createOrderTools(orders),
    ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
  });
  const config = { ...shopperConfig(`thread-${Math.random()}`), ...turnSettings };

  /** One chat message: a new human turn, or the answer to the question the graph paused on. */
  async function turn(message: string) {
    const before = await graph.getState(config);
    const pending = before.tasks.flatMap((task) => task.interrupts)[0];
    const known = new Set(((before.values.messages as BaseMessage[] | undefined) ?? []).map((each) => each.id));
    const input: Parameters<ShoppingGraph['invoke']>[0] = pending
      ? new Command({ resume: { answer: message, asked: pending.value } })
      : { messages: [new HumanMessage(message)] };
    const calledBefore = model.calls.length;
    const result = await graph.invoke(input, config);
    const added = (result.messages as BaseMessage[]).filter((each) => !known.has(each.id));
    const after = await graph.getState(config);
    const tools = added.filter((each): each is ToolMessage => ToolMessage.isInstance(each));
    return {
      added,
      /** Who the model answered for, call by call: the supervisor or an agent, told apart by the tools bound. */
      agents: model.calls.slice(calledBefore).map((call) => agentOf(call.tools)),
      /** Each tool call that ran, and whether it succeeded. */
      tools: tools.map((each) => [each.name, succeeded(each)] as const),
      toolMessages: tools,
      asked: after.tasks.flatMap((task) => task.interrupts)[0]?.value as
        { question: string; total: number } | undefined,
      reply: String(added.at(-1)?.content ?? ''),
    };
  }
  /** The messages the thread keeps between turns. */
  const kept = async () =>
    ((await graph.getState(config)).values.messages as BaseMessage[]).map((each) => each.content);
  return { graph, turn, kept };
}

// A refusal is a result with ok: false (or, should tools come to mark it so, a message with status 'error').
const succeeded = (message: ToolMessage) =>
  message.status !== 'error' && !String(message.content).startsWith('{"ok":false');

function agentOf(tools: string[]): AgentName | 'supervisor' {
  if (tools.includes('search_products')) return 'sales';
  if (tools.includes('checkout')) return 'checkout';
  if (tools.includes('list_orders')) return 'orders';
  return 'supervisor';
}
