import type { ChatDataParts, CheckoutReceipt } from '@ecomm/contracts';
import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { UIMessageChunk } from 'ai';
import { agentNames } from '../agents/graph/shopping-graph.js';

type Write = (part: UIMessageChunk) => void;

const agentNodes = new Set<string>(agentNames);

function parseToolContent(content: unknown): unknown {
  try {
    return JSON.parse(String(content)) as unknown;
  } catch {
    return String(content);
  }
}

/**
 * Turns LangGraph's `messages` and `updates` stream into UI message stream parts: the agents' words as text
 * deltas, each tool call when the model asks for it, each result when its tool has run, receipts as data parts.
 */
export function createPartTranslator(write: Write) {
  let openTextId: string | undefined;
  let wroteText = false;
  // The tool calls this stream announced: a call asked in an earlier turn (a cancellation paused for the shopper's
  // "yes") finishes in this one, and the page's stream reader refuses an output for a call it was never shown.
  const announced = new Set<string>();
  const endText = () => {
    if (openTextId) write({ type: 'text-end', id: openTextId });
    openTextId = undefined;
  };

  return {
    get wroteText() {
      return wroteText;
    },

    text(id: string, delta: string) {
      if (id !== openTextId) {
        endText();
        openTextId = id;
        write({ type: 'text-start', id });
      }
      write({ type: 'text-delta', id, delta });
      wroteText = true;
    },

    /** A chunk of the `messages` mode: a token of a model reply, kept only when an agent (not the router) speaks. */
    token(message: BaseMessage, metadata: { langgraph_node?: string }) {
      const content = typeof message.content === 'string' ? message.content : '';
      if (content && agentNodes.has(metadata.langgraph_node ?? '')) this.text(message.id ?? 'reply', content);
    },

    /** The messages a node added, from the `updates` mode. */
    messages(added: BaseMessage[]) {
      for (const message of added) {
        if (AIMessage.isInstance(message) && message.tool_calls?.length) {
          endText();
          for (const call of message.tool_calls) {
            announced.add(call.id ?? call.name);
            write({
              type: 'tool-input-available',
              toolCallId: call.id ?? call.name,
              toolName: call.name,
              input: call.args,
              dynamic: true,
            });
          }
        } else if (ToolMessage.isInstance(message)) {
          const value = parseToolContent(message.content);
          if (!announced.has(message.tool_call_id)) {
            endText();
            announced.add(message.tool_call_id);
            write({
              type: 'tool-input-available',
              toolCallId: message.tool_call_id,
              toolName: message.name ?? 'tool',
              input: {},
              dynamic: true,
            });
          }
          if (message.status !== 'error')
            write({ type: 'tool-output-available', toolCallId: message.tool_call_id, output: value, dynamic: true });
          else
            write({
              type: 'tool-output-error',
              toolCallId: message.tool_call_id,
              errorText: String((value as { error?: string }).error ?? value),
              dynamic: true,
            });
          const receipt =
            message.name === 'checkout' ? (message.artifact as CheckoutReceipt | null | undefined) : undefined;
          if (receipt) write({ type: 'data-receipt', id: `receipt-${receipt.order_id}`, data: receipt });
        }
      }
    },

    /** The checkout's question, for buttons beside the text that asks it. */
    confirmation(data: ChatDataParts['confirmation']) {
      write({ type: 'data-confirmation', id: `confirmation-${Date.now()}`, data });
    },

    finish: endText,
  };
}
