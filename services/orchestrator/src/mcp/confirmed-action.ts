import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isAppError } from '@ecomm/platform';
import type { ConfirmationSubject, Confirmations } from './confirmations.js';
import { toolResult } from './tool-results.js';

export type IssuedConfirmation = ReturnType<Confirmations['issue']>;

/**
 * The round every money-moving tool makes: without a confirmation, a preview carrying a fresh token and nothing
 * done; with one issued for exactly the current subject, the act (once); with a stale, used, expired or foreign
 * one, a refusal carrying a fresh preview.
 */
export async function confirmedAction(options: {
  confirmations: Confirmations;
  confirmation: string | undefined;
  subject: ConfirmationSubject;
  preview: (token: IssuedConfirmation) => Record<string, unknown> & { message: string };
  /** `confirmed`: the confirmation's nonce, the id of this one action (a replay of it acts no more). */
  act: (confirmed: string) => Promise<CallToolResult>;
}): Promise<CallToolResult> {
  const preview = options.preview(options.confirmations.issue(options.subject));
  if (!options.confirmation) return toolResult(preview);
  let confirmed: string;
  try {
    confirmed = await options.confirmations.redeem(options.confirmation, options.subject);
  } catch (error) {
    if (!isAppError(error) || error.statusCode >= 500) throw error;
    return toolResult(preview, {
      isError: true,
      text: `${error.message} Nothing was charged or refunded. ${preview.message}`,
    });
  }
  return options.act(confirmed);
}
