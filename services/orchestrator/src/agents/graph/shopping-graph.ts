import { randomUUID } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import { tool, ToolInputParsingException, type StructuredToolInterface } from '@langchain/core/tools';
import {
  Command,
  END,
  isGraphInterrupt,
  MessagesAnnotation,
  START,
  StateGraph,
  type BaseCheckpointSaver,
} from '@langchain/langgraph';
import { isAppError, spanAttributes, withSpan } from '@ecomm/platform';
import { z } from 'zod';
import { mayPauseForConfirmation } from '../tools/confirmation.js';
import { refusalMessage } from '../tools/tool-context.js';
import { UsageTracker } from '../usage-tracker.js';
import { checkoutPrompt, ordersPrompt, salesPrompt, supervisorPrompt } from './prompts.js';

/** The agents the supervisor hands a conversation to; each is a node of the graph by that name. */
export const agentNames = ['sales', 'checkout', 'orders'] as const;
export type AgentName = (typeof agentNames)[number];

/**
 * How every turn runs the graph: its checkpoint is saved once, when the turn ends or pauses for a confirmation, not
 * after each step. A process that dies mid-turn loses that turn's messages, never its effects: carts, stock, orders and
 * payments live in their services, and a checkout in its durable saga (docs/agents.md).
 */
export const turnSettings = { recursionLimit: 100, durability: 'exit' } as const;

// Only the messages: a channel older checkpoints still hold (the former activeAgent) is ignored when they load.
const ShoppingState = MessagesAnnotation;

const transferToSales = tool(async () => 'Transferred to the sales agent.', {
  name: 'transfer_to_sales',
  description:
    'Hand the conversation to the sales agent: finding, adding, removing or buying products, viewing the cart.',
  schema: z.object({}),
});

const transferToCheckout = tool(async () => 'Transferred to the checkout agent.', {
  name: 'transfer_to_checkout',
  description: 'Hand the conversation to the checkout agent, which checks out and pays for the cart.',
  schema: z.object({}),
});

/**
 * Providers' tool-call ids may repeat (`call_0` every time) or be missing. Each call gets an id of the server's instead,
 * saved with the reply in the checkpoint: unique, and the same if the graph replays the tools. Cart writes use it in
 * their idempotency key, so it must never come from the model's provider.
 */
function withServerCallIds<Reply extends AIMessageWithCalls>(reply: Reply) {
  for (const call of reply.tool_calls ?? []) call.id = `call_${randomUUID()}`;
  return reply;
}

const transferToOrders = tool(async () => 'Transferred to the orders agent.', {
  name: 'transfer_to_orders',
  description:
    'Hand the conversation to the orders agent: orders already placed, their status, cancellations, returns and refunds.',
  schema: z.object({}),
});

type AIMessageWithCalls = BaseMessage & { tool_calls?: { id?: string; name: string; args: Record<string, unknown> }[] };

/** Invoked with a whole tool call, a LangChain tool answers with a ToolMessage. */
interface ToolRunner {
  invoke: (call: unknown, config: RunnableConfig) => Promise<ToolMessage>;
  metadata?: Record<string, unknown>;
}

const oneQuestionAtATime =
  'Not done: only one payment, cancellation or return can be asked about at a time. Ask about this one once the ' +
  'customer has answered the first.';

const transferTargets: Record<string, AgentName> = {
  transfer_to_sales: 'sales',
  transfer_to_checkout: 'checkout',
  transfer_to_orders: 'orders',
};

export interface ShoppingGraphOptions {
  model: BaseChatModel;
  /** Recorded on each model call's span. */
  modelName: string;
  salesTools: StructuredToolInterface[];
  checkoutTools: StructuredToolInterface[];
  orderTools: StructuredToolInterface[];
  checkpointer: BaseCheckpointSaver;
  /** How many recent messages the models see; the thread forgets older turns when a turn ends. */
  historyLimit?: number;
}

/** Where the models' window begins: `limit` messages from the end, moved back to a human turn's start. */
function windowStart(messages: BaseMessage[], limit: number) {
  let start = Math.max(messages.length - limit, 0);
  while (start > 0 && !HumanMessage.isInstance(messages[start])) start--;
  return start;
}

/**
 * The most recent messages, starting at a human turn so no tool result is cut from its call, without any tool call
 * left unanswered by an interrupted turn (the OpenAI API refuses a history holding one).
 */
function recent(messages: BaseMessage[], limit: number) {
  const window = messages.slice(windowStart(messages, limit));
  const answered = new Set(
    window.filter((message) => ToolMessage.isInstance(message)).map((message) => (message as ToolMessage).tool_call_id),
  );
  const dropped = new Set<string>();
  return window.flatMap((message) => {
    if (ToolMessage.isInstance(message)) return dropped.has(message.tool_call_id) ? [] : [message];
    const calls = (message as AIMessageWithCalls).tool_calls;
    if (!calls?.length || calls.every((call) => answered.has(call.id ?? ''))) return [message];
    for (const call of calls) dropped.add(call.id ?? '');
    return message.content ? [new AIMessage({ content: message.content })] : [];
  });
}

/** Supervisor → sales, checkout or orders agent, each a tool-calling loop; agents hand over with transfer tools. */
export function buildShoppingGraph(options: ShoppingGraphOptions) {
  const historyLimit = options.historyLimit ?? 40;
  const agents = {
    sales: { prompt: salesPrompt, tools: [...options.salesTools, transferToCheckout, transferToOrders] },
    checkout: { prompt: checkoutPrompt, tools: [...options.checkoutTools, transferToSales, transferToOrders] },
    orders: { prompt: ordersPrompt, tools: [...options.orderTools, transferToSales, transferToCheckout] },
  };
  const supervisorModel = options.model.bindTools!([transferToSales, transferToCheckout, transferToOrders], {
    tool_choice: 'required',
  });
  const agentModels = {
    sales: options.model.bindTools!(agents.sales.tools),
    checkout: options.model.bindTools!(agents.checkout.tools),
    orders: options.model.bindTools!(agents.orders.tools),
  };

  /** One span per model call, with the model's name and the tokens it reports. */
  function callModel(node: string, model: typeof supervisorModel, messages: BaseMessage[], config: RunnableConfig) {
    return withSpan(
      `llm ${node}`,
      { [spanAttributes.agentNode]: node, [spanAttributes.model]: options.modelName },
      async (span) => {
        const reply = await model.invoke(messages, config);
        UsageTracker.of(config)?.record(reply);
        span.setAttributes({
          [spanAttributes.inputTokens]: reply.usage_metadata?.input_tokens ?? 0,
          [spanAttributes.outputTokens]: reply.usage_metadata?.output_tokens ?? 0,
        });
        return reply;
      },
    );
  }

  const traced =
    <Result>(node: string, work: (state: typeof ShoppingState.State, config: RunnableConfig) => Promise<Result>) =>
    (state: typeof ShoppingState.State, config: RunnableConfig) =>
      withSpan(`agent ${node}`, { [spanAttributes.agentNode]: node }, () => work(state, config));

  async function supervisor(state: typeof ShoppingState.State, config: RunnableConfig) {
    const reply = await callModel(
      'supervisor',
      supervisorModel,
      [new SystemMessage(supervisorPrompt), ...recent(state.messages, historyLimit)],
      config,
    );
    const target = transferTargets[reply.tool_calls?.[0]?.name ?? ''] ?? 'sales';
    return new Command({ goto: target });
  }

  /**
   * What a finished turn lets go of: the messages before the window, which no model call will see again (the window
   * only ever moves forward). Kept, they would be saved and loaded again at every step of every later turn.
   */
  function forgotten(messages: BaseMessage[]) {
    return messages
      .slice(0, windowStart(messages, historyLimit))
      .flatMap((message) => (message.id ? [new RemoveMessage({ id: message.id })] : []));
  }

  const agentNode = (name: AgentName) => async (state: typeof ShoppingState.State, config: RunnableConfig) => {
    const messages = [new SystemMessage(agents[name].prompt), ...recent(state.messages, historyLimit)];
    const reply = withServerCallIds(await callModel(name, agentModels[name], messages, config));
    if (reply.tool_calls?.length) return new Command({ goto: `${name}_tools`, update: { messages: [reply] } });
    return new Command({ goto: END, update: { messages: [...forgotten([...state.messages, reply]), reply] } });
  };

  // Runs the calls of one model reply in order (a cart's changes must not race), turning refusals into results.
  const toolsNode = (name: AgentName) => async (state: typeof ShoppingState.State, config: RunnableConfig) => {
    const toolsByName = new Map(agents[name].tools.map((each) => [each.name, each]));
    const reply = state.messages.at(-1) as AIMessageWithCalls;
    let results: ToolMessage[] = [];
    let transferTo: AgentName | undefined;
    let asking = false;
    for (const call of reply.tool_calls ?? []) {
      const id = call.id ?? `${call.name}-${results.length}`;
      const selected = toolsByName.get(call.name) as ToolRunner | undefined;
      if (!selected) {
        results.push(refusalMessage(id, call.name, `There is no tool named ${call.name}.`));
        continue;
      }
      if (mayPauseForConfirmation(selected)) {
        if (asking) {
          results.push(refusalMessage(id, call.name, oneQuestionAtATime));
          continue;
        }
        asking = true;
      }
      transferTo = transferTargets[call.name] ?? transferTo;
      try {
        const result = await withSpan(`tool ${call.name}`, { [spanAttributes.toolName]: call.name }, () =>
          selected.invoke({ ...call, id, type: 'tool_call' }, config),
        );
        results.push(result);
      } catch (error) {
        if (isGraphInterrupt(error)) throw error;
        // A refusal or malformed arguments go back to the model as the call's result; anything else is a fault.
        const message = isAppError(error)
          ? error.message
          : error instanceof ToolInputParsingException
            ? `Invalid arguments for ${call.name}: ${error.message}`
            : undefined;
        if (message === undefined) throw error;
        results.push(refusalMessage(id, call.name, message));
      }
    }
    // A hand-off made in the same reply as an action that failed is not followed: checking out after a refused
    // add_to_cart would buy whatever else the cart holds. The agent explains instead.
    if (transferTo && results.some((result) => result.status === 'error')) {
      const notHandedOver =
        'Not handed over, because another action in this step failed. Tell the customer what happened.';
      results = results.map((result) => {
        const toolName = result.name ?? '';
        return transferTargets[toolName] ? refusalMessage(result.tool_call_id, toolName, notHandedOver) : result;
      });
      transferTo = undefined;
    }
    return new Command({ goto: transferTo ?? name, update: { messages: results } });
  };

  return new StateGraph(ShoppingState)
    .addNode('supervisor', traced('supervisor', supervisor), { ends: [...agentNames] })
    .addNode('sales', traced('sales', agentNode('sales')), { ends: ['sales_tools', END] })
    .addNode('sales_tools', traced('sales_tools', toolsNode('sales')), { ends: ['sales', 'checkout', 'orders'] })
    .addNode('checkout', traced('checkout', agentNode('checkout')), { ends: ['checkout_tools', END] })
    .addNode('checkout_tools', traced('checkout_tools', toolsNode('checkout')), {
      ends: ['checkout', 'sales', 'orders'],
    })
    .addNode('orders', traced('orders', agentNode('orders')), { ends: ['orders_tools', END] })
    .addNode('orders_tools', traced('orders_tools', toolsNode('orders')), { ends: ['orders', 'sales', 'checkout'] })
    .addEdge(START, 'supervisor')
    .compile({ checkpointer: options.checkpointer });
}

export type ShoppingGraph = ReturnType<typeof buildShoppingGraph>;
