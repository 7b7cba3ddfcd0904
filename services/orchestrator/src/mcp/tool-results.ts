import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isAppError } from '@ecomm/platform';
import type { FastifyBaseLogger } from 'fastify';

/** A tool's answer: the structured result, and the same as text for clients that read only text. */
export function toolResult(
  structured: Record<string, unknown>,
  options: { isError?: boolean; text?: string } = {},
): CallToolResult {
  const text = options.text ? `${options.text}\n\n${JSON.stringify(structured)}` : JSON.stringify(structured);
  return {
    content: [{ type: 'text', text }],
    structuredContent: structured,
    ...(options.isError ? { isError: true } : {}),
  };
}

function refusal(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Runs a tool: a refusal of the shop (an AppError, whose messages are written for people) becomes a tool error the
 * client's model can relay; anything unexpected is logged and answered without internals.
 */
export async function runTool(log: FastifyBaseLogger, work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) return refusal(error.message);
    log.error({ err: error }, 'MCP tool failed');
    return refusal(
      'Something went wrong on our side. Try again in a moment; view_cart and list_orders show where things stand.',
    );
  }
}
