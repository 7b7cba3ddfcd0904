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

/** Tool results are JSON: `{ ok: true, ... }` or `{ ok: false, error }` with a sentence a shopper can read. */
export function success(payload: Record<string, unknown>) {
  return JSON.stringify({ ok: true, ...payload });
}

export function failure(error: string) {
  return JSON.stringify({ ok: false, error });
}

/** Expected refusals (4xx from a service) become a failure the agent can relay; anything else propagates. */
export async function relayRefusals(work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error) && error.statusCode < 500) return failure(error.message);
    throw error;
  }
}

export function formatMoney(amount: number) {
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
