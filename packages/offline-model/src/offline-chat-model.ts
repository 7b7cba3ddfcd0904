import { createHash } from 'node:crypto';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { Runnable } from '@langchain/core/runnables';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { readConversation } from './conversation.js';
import type { Intent } from './intents.js';
import { parseMessage } from './message-parser.js';
import { askedAt, NeedsCall, runPlan } from './planner.js';

interface OfflineCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

export const offlineModelName = 'offline-planner';

function toolName(tool: BindToolsInput): string {
  const candidate = tool as { name?: string; function?: { name?: string } };
  return candidate.name ?? candidate.function?.name ?? '';
}

const orderTools = new Set(['list_orders', 'get_order', 'cancel_order', 'return_items']);

/**
 * The plan of the latest message. A bare answer ("the tennis one") to the agent's "which one?" resumes the previous
 * message's plan where it asked, with that answer as the choice.
 */
function planOf(conversation: ReturnType<typeof readConversation>): { intents: Intent[]; choice?: string } {
  const intents = parseMessage(conversation.text);
  const [only] = intents;
  const answer =
    intents.length !== 1
      ? undefined
      : only?.type === 'choose'
        ? only.text
        : only?.type === 'browse' && only.query
          ? only.query
          : undefined;
  const previous = conversation.previous;
  if (answer === undefined || !previous || !/\bWhich one\b/.test(previous.reply)) return { intents };
  const previousIntents = parseMessage(previous.text);
  const at = askedAt(previousIntents, previous.executed, previous.mentioned);
  return at === undefined ? { intents } : { intents: previousIntents.slice(at), choice: answer };
}

// A turn's model calls see the same messages again and again: each message's part of the fingerprint is written once.
// A message is not changed once a model call has seen it (its tool calls get their ids before it joins the state).
const fingerprintParts = new WeakMap<BaseMessage, string>();

/** One message's part of the JSON array the fingerprint hashes. */
function fingerprintPart(message: BaseMessage) {
  let part = fingerprintParts.get(message);
  if (part === undefined) {
    part = JSON.stringify([
      message.getType(),
      message.content,
      (message as AIMessage).tool_calls?.map((call) => call.id),
    ]);
    fingerprintParts.set(message, part);
  }
  return part;
}

function estimateTokens(text: string) {
  return Math.ceil(text.length / 4);
}

/**
 * A deterministic stand-in for an LLM, used when no API key is configured. It is not a language model: it parses
 * the shopper's latest message into intents with fixed rules and emits, one step at a time, the tool calls a
 * tool-calling model would make, so the real graph, tools and checkout saga run. Bound to the supervisor's
 * hand-off tools it routes; bound to an agent's tools it acts; with nothing left to do it writes the reply.
 */
export class OfflineChatModel extends BaseChatModel<OfflineCallOptions> {
  _llmType() {
    return 'offline';
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<OfflineCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, OfflineCallOptions> {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const bound = new Set((options.tools ?? []).map(toolName));
    const conversation = readConversation(messages);
    // Tool call ids key the idempotency of cart writes, so they must differ for every distinct conversation state.
    const fingerprint = createHash('sha256')
      .update(`[${messages.map(fingerprintPart).join(',')}]`)
      .digest('hex')
      .slice(0, 24);
    let message: AIMessage;
    try {
      const plan = planOf(conversation);
      const reply = runPlan(plan.intents, conversation.executed, conversation.mentioned, plan.choice);
      message =
        bound.has('transfer_to_checkout') &&
        bound.has('transfer_to_sales') &&
        !bound.has('view_cart') &&
        !bound.has('list_orders')
          ? this.callTool('transfer_to_sales', {}, fingerprint)
          : new AIMessage(reply);
    } catch (error) {
      if (!(error instanceof NeedsCall)) throw error;
      message = this.callTool(this.route(error.name, bound), error.args, fingerprint);
    }
    const input = estimateTokens(messages.map((each) => String(each.content)).join('\n'));
    const output = estimateTokens(JSON.stringify(message.tool_calls ?? message.content));
    message.usage_metadata = { input_tokens: input, output_tokens: output, total_tokens: input + output };
    message.response_metadata = { model_name: offlineModelName };
    return { generations: [{ message, text: typeof message.content === 'string' ? message.content : '' }] };
  }

  /** Streaming (the /chat/stream route) sends a reply word by word and a tool call whole, like a real model would. */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const [generation] = (await this._generate(messages, options)).generations;
    const message = generation!.message as AIMessage;
    const calls = message.tool_calls ?? [];
    const pieces = calls.length ? [''] : String(message.content).split(/(?<= )/);
    for (const [index, piece] of pieces.entries()) {
      const last = index === pieces.length - 1;
      const chunk = new ChatGenerationChunk({
        text: piece,
        message: new AIMessageChunk({
          content: piece,
          tool_call_chunks: last
            ? calls.map((call, position) => ({
                id: call.id,
                name: call.name,
                args: JSON.stringify(call.args),
                index: position,
                type: 'tool_call_chunk' as const,
              }))
            : [],
          ...(last ? { usage_metadata: message.usage_metadata, response_metadata: message.response_metadata } : {}),
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, undefined, undefined, undefined, undefined, { chunk });
    }
  }

  /** The tool to call for a needed one: itself when bound, otherwise the hand-off to the agent that has it. */
  private route(needed: string, bound: Set<string>) {
    if (bound.has(needed)) return needed;
    if (needed === 'checkout' && bound.has('transfer_to_checkout')) return 'transfer_to_checkout';
    if (orderTools.has(needed) && bound.has('transfer_to_orders')) return 'transfer_to_orders';
    return bound.has('transfer_to_sales') ? 'transfer_to_sales' : 'transfer_to_checkout';
  }

  private callTool(name: string, args: Record<string, unknown>, fingerprint: string) {
    return new AIMessage({
      content: '',
      tool_calls: [{ id: `offline_${fingerprint}`, name, args, type: 'tool_call' }],
    });
  }
}
