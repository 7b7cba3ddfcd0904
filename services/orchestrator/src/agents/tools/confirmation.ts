import type { ChatConfirmation } from '@ecomm/contracts';
import { interrupt } from '@langchain/langgraph';

// The whole answer must be a plain yes: "ok, wait, no" or "sure, but first remove the keychain" are not.
const yes =
  /^\s*(?:yes|y|yeah|yep|yup|confirm(?:ed)?|ok(?:ay)?|sure|go ahead|pay|do it|please do)(?:[\s,.!]+(?:please|thanks|thank you|go ahead|do it|pay(?: now)?|confirm(?:ed)?))*[\s.!]*$/i;

/**
 * The metadata of a tool that may pause for the shopper's yes. A model reply runs one such call at most: a paused node
 * runs again from its start when resumed, and a second question would be given the answer to the first.
 */
export const pausesForConfirmation = { pausesForConfirmation: true } as const;

export const mayPauseForConfirmation = (tool: { metadata?: Record<string, unknown> }) =>
  tool.metadata?.pausesForConfirmation === true;

/** What the shopper was asked to confirm; `summary` names exactly what would happen, amounts included. */
export interface ConfirmationRequest {
  question: string;
  summary: string;
  total: number;
  action: ChatConfirmation['action'];
}

interface ConfirmationAnswer {
  answer: string;
  asked?: ConfirmationRequest;
}

/**
 * Pauses the graph with a question (the thread's checkpoint keeps it paused across restarts) and reads the answer
 * the next chat message carries back. `confirmed` only on a plain yes to this very question; `changed` when what
 * would happen changed since the shopper was asked (another total, other items): then nothing may be done either.
 */
export function askToConfirm(request: ConfirmationRequest): 'confirmed' | 'declined' | 'changed' {
  const reply = interrupt(request) as ConfirmationAnswer | string;
  const { answer, asked } = typeof reply === 'string' ? { answer: reply, asked: undefined } : reply;
  if (!yes.test(answer)) return 'declined';
  return asked && (asked.total !== request.total || asked.summary !== request.summary) ? 'changed' : 'confirmed';
}
