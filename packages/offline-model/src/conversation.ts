import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';

export interface ProductSummary {
  id: number;
  name: string;
  price: number;
  stock: number;
  category?: string | null;
}

/** An order as the order tools describe it to the model. */
export interface OrderSummary {
  order_id: string;
  status: string;
  total: number;
  items: { product_id: number; name: string; quantity: number; returned_quantity: number; unit_price: number }[];
}

export interface ExecutedCall {
  name: string;
  result: ToolResult;
}

export interface ToolResult {
  ok: boolean;
  error?: string;
  message?: string;
  products?: ProductSummary[];
  added?: { product_id: number; name: string; quantity: number; unit_price: number };
  orders?: OrderSummary[];
  order?: OrderSummary;
  cart?: {
    items: { product_id: number; name: string; quantity: number; unit_price: number; line_total: number }[];
    total: number;
  };
}

const handoffTools = new Set(['transfer_to_sales', 'transfer_to_checkout', 'transfer_to_orders']);

// Each model call of a turn reads the whole window again, every result several times: each is parsed once.
const parsedResults = new WeakMap<ToolMessage, ToolResult>();

/** A result's content holds what the tool said; its status says whether the call was refused. Read-only. */
function parseResult(message: ToolMessage): ToolResult {
  let result = parsedResults.get(message);
  if (result) return result;
  const ok = message.status !== 'error';
  try {
    result = { ...(JSON.parse(String(message.content)) as Omit<ToolResult, 'ok'>), ok };
  } catch {
    result = { ok: false, error: String(message.content) };
  }
  parsedResults.set(message, result);
  return result;
}

type WithToolCalls = BaseMessage & { tool_calls?: { id?: string; name: string }[] };

export interface Turn {
  text: string;
  executed: ExecutedCall[];
  mentioned: ProductSummary[];
}

/**
 * The latest human message, the tool calls made since it (hand-offs aside), and the products mentioned before it;
 * the same for the turn before, with the agent's reply to it, so an answer to the agent's question is understood.
 */
export function readConversation(messages: BaseMessage[]): Turn & { previous?: Turn & { reply: string } } {
  const humanIndex = messages.findLastIndex((message) => HumanMessage.isInstance(message));
  if (humanIndex <= 0) return readTurn(messages, humanIndex);
  const before = messages.slice(0, humanIndex);
  const reply = before.findLast(
    (message) => AIMessage.isInstance(message) && !message.tool_calls?.length && message.content !== '',
  );
  return {
    ...readTurn(messages, humanIndex),
    previous: {
      ...readTurn(
        before,
        before.findLastIndex((message) => HumanMessage.isInstance(message)),
      ),
      reply: String(reply?.content ?? ''),
    },
  };
}

function readTurn(messages: BaseMessage[], humanIndex: number): Turn {
  const text = humanIndex >= 0 ? String(messages[humanIndex]!.content) : '';
  const results = new Map<string, ToolResult>();
  for (const message of messages) {
    if (ToolMessage.isInstance(message)) results.set(message.tool_call_id, parseResult(message));
  }
  const executed: ExecutedCall[] = [];
  for (const message of messages.slice(humanIndex + 1)) {
    for (const call of (message as WithToolCalls).tool_calls ?? []) {
      if (handoffTools.has(call.name)) continue;
      const result = call.id ? results.get(call.id) : undefined;
      if (result) executed.push({ name: call.name, result });
    }
  }
  let mentioned: ProductSummary[] = [];
  for (const message of messages.slice(0, Math.max(humanIndex, 0))) {
    if (!ToolMessage.isInstance(message)) continue;
    const result = parseResult(message);
    if (result.products?.length) mentioned = result.products;
    if (result.added)
      mentioned = [{ id: result.added.product_id, name: result.added.name, price: result.added.unit_price, stock: 0 }];
  }
  return { text, executed, mentioned };
}
