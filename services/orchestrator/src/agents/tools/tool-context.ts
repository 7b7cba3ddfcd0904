import { ToolMessage } from '@langchain/core/messages';
import type { ToolRunnableConfig } from '@langchain/core/tools';
import { AppError, isAppError } from '@ecomm/platform';

export interface ShopperContext {
  userId: string;
  sessionId: string;
  /** Session and the server-assigned id of the tool call (never the provider's): unique, stable on replay; the key of its writes. */
  callKey: string;
}

/** The user and session come from the authenticated request, never from the model's arguments. */
export function shopperContext(config: ToolRunnableConfig): ShopperContext {
  const configurable = config.configurable ?? {};
  const userId = configurable.user_id;
  const sessionId = configurable.session_id;
  if (typeof userId !== 'string' || typeof sessionId !== 'string') {
    throw new AppError(500, 'TOOL_CONTEXT_MISSING', 'Shopping tools need the user and session of the request');
  }
  return { userId, sessionId, callKey: `${sessionId}:${config.toolCall?.id ?? crypto.randomUUID()}` };
}

/** Tool results are JSON: `{ ok: true, ... }`, or `{ ok: false, error }` with a sentence a shopper can read. */
export function success(payload: Record<string, unknown>) {
  return JSON.stringify({ ok: true, ...payload });
}

/** A tool's own refusal (a confirmation not given): thrown like a service's refusal, relayed as one. */
export class ToolRefusal extends Error {}

/**
 * A refused call's result: `status: 'error'` is how the graph and the chat read it; the content still says
 * `ok: false` because the model reads only the content (the OpenAI API carries no status).
 */
export function refusalMessage(toolCallId: string, name: string, error: string) {
  return new ToolMessage({
    tool_call_id: toolCallId,
    name,
    content: JSON.stringify({ ok: false, error }),
    status: 'error',
  });
}

/** The refused result of the tool call being run. */
export function refusalOf(config: ToolRunnableConfig, error: string) {
  return refusalMessage(config.toolCall?.id ?? '', config.toolCall?.name ?? '', error);
}

/** Refusals (a service's 4xx, a confirmation not given) become the call's error result; anything else propagates. */
export async function relayRefusals<Result>(
  config: ToolRunnableConfig,
  work: () => Promise<Result>,
): Promise<Result | ToolMessage> {
  try {
    return await work();
  } catch (error) {
    if ((isAppError(error) && error.statusCode < 500) || error instanceof ToolRefusal)
      return refusalOf(config, error.message);
    throw error;
  }
}

// One formatter for every amount: toLocaleString builds a new one per call (tens of µs, ten times per product list).
const dollars = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatMoney(amount: number) {
  return `$${dollars.format(amount)}`;
}
