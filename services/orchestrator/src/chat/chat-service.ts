import { randomUUID } from 'node:crypto';
import { errorCodes, type ChatResponse, type CheckoutReceipt } from '@ecomm/contracts';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Command, GraphRecursionError, INTERRUPT, isInterrupted, type Interrupt } from '@langchain/langgraph';
import { AppError, isAppError, isDatabaseBusy, type BusinessMetrics } from '@ecomm/platform';
import { createUIMessageStream, type UIMessageChunk } from 'ai';
import { turnSettings, type ShoppingGraph } from '../agents/graph/shopping-graph.js';
import { UsageTracker } from '../agents/usage-tracker.js';
import type { ConfirmationRequest } from '../agents/tools/confirmation.js';
import { createPartTranslator } from './ui-message-parts.js';
import type { DomainClients } from '../clients/domain-clients.js';
import { bindSession } from '../shopping/session-binding.js';
import type { ThreadRepository } from './thread-repository.js';
import type { ConversationCheckpointer } from './conversation-checkpointer.js';

/** What a shopper may read of a failure: a refusal's own sentence, never a fault's internals. */
function shopperMessage(error: unknown) {
  if (isAppError(error) && error.statusCode < 500) return error.message;
  return 'Something went wrong while answering; your cart is unchanged unless a step above says otherwise. Try again.';
}

export interface ChatTurn {
  userId: string;
  sessionId: string;
  message: string;
}

function finalText(messages: BaseMessage[]) {
  const reply = messages.findLast(
    (message) =>
      AIMessage.isInstance(message) &&
      !message.tool_calls?.length &&
      typeof message.content === 'string' &&
      message.content !== '',
  );
  return reply ? String(reply.content) : "Sorry, I couldn't work that out. Could you rephrase?";
}

function receipts(messages: BaseMessage[]): CheckoutReceipt[] {
  return messages
    .filter((message): message is ToolMessage => ToolMessage.isInstance(message) && message.name === 'checkout')
    .map((message) => message.artifact as CheckoutReceipt | null | undefined)
    .filter((receipt): receipt is CheckoutReceipt => Boolean(receipt));
}

type WithToolCalls = BaseMessage & { tool_calls?: { id?: string; name: string; args: Record<string, unknown> }[] };

function steps(messages: BaseMessage[]) {
  const outcomes = new Map<string, boolean>();
  for (const message of messages) {
    if (!ToolMessage.isInstance(message)) continue;
    outcomes.set(message.tool_call_id, message.status !== 'error');
  }
  return messages.flatMap((message) =>
    ((message as WithToolCalls).tool_calls ?? []).map((call) => ({
      tool: call.name,
      args: call.args,
      ok: outcomes.get(call.id ?? '') ?? false,
    })),
  );
}

export function createChatService(dependencies: {
  graph: ShoppingGraph;
  clients: DomainClients;
  threads: ThreadRepository;
  checkpointer: ConversationCheckpointer;
  modelName: string;
  metrics: BusinessMetrics;
}) {
  const { graph, clients, threads, checkpointer, metrics, modelName } = dependencies;

  /** Where a turn starts: the thread's config, and the input (a new message, or the answer to a pending question). */
  async function prepareTurn(threadId: string, turn: ChatTurn) {
    const tracker = new UsageTracker();
    const config = {
      configurable: { thread_id: threadId, user_id: turn.userId, session_id: turn.sessionId, usage: tracker },
      ...turnSettings,
    };
    // The graph's run takes this same read instead of reading the checkpoint again.
    const latest = await checkpointer.readLatest(threadId);
    const pending = (latest?.pendingWrites ?? [])
      .filter(([, channel]) => channel === INTERRUPT)
      .flatMap(([, , interrupts]) => interrupts as Interrupt[])[0];
    // By id: the turn's end may drop the oldest messages, so the new ones are not simply those past the old count.
    const known = new Set(
      ((latest?.checkpoint.channel_values.messages as BaseMessage[] | undefined) ?? []).map((message) => message.id),
    );
    const input: Parameters<ShoppingGraph['invoke']>[0] = pending
      ? new Command({ resume: { answer: turn.message, asked: pending.value } })
      : { messages: [new HumanMessage(turn.message)] };
    return { tracker, config, known, input };
  }

  /**
   * After a turn: the confirmation question it paused on, if any (the turn's own result says so; the state need not be
   * read again); the usage is counted.
   */
  function finishTurn(prepared: Awaited<ReturnType<typeof prepareTurn>>, interrupts: Interrupt[]) {
    const asked = interrupts[0]?.value as Partial<ConfirmationRequest> | undefined;
    const { usage } = prepared.tracker;
    metrics.llmCalls.inc({ model: modelName }, usage.modelCalls);
    metrics.llmTokens.inc({ model: modelName, type: 'input' }, usage.inputTokens);
    metrics.llmTokens.inc({ model: modelName, type: 'output' }, usage.outputTokens);
    // A question paused before `action` existed was a checkout's: only it asked then.
    return { question: asked?.question, total: asked?.total ?? null, action: asked?.action ?? 'pay' };
  }

  /**
   * A turn that failed once begun. Too many steps is the shopper's to narrow. The conversation is saved last, after
   * the tools: a database that gave up then must not read as the platform's "Nothing was changed" to a shopper about
   * to send the message again (the cart may hold what it added, an order may be paid).
   */
  const turnFailure = (error: unknown) => {
    if (error instanceof GraphRecursionError)
      return AppError.unprocessable(
        'That request needed too many steps for one message; ask for fewer things at a time',
      );
    if (!isDatabaseBusy(error)) return error;
    return new AppError(
      503,
      errorCodes.SERVICE_BUSY,
      'The service is busy and could not finish answering. What this message did before that stands: ' +
        'check your cart and orders before sending it again.',
    );
  };

  async function runTurn(threadId: string, turn: ChatTurn): Promise<ChatResponse> {
    const prepared = await prepareTurn(threadId, turn);
    let result;
    try {
      result = await graph.invoke(prepared.input, prepared.config);
    } catch (error) {
      throw turnFailure(error);
    }
    const added = (result.messages as BaseMessage[]).filter((message) => !prepared.known.has(message.id));
    const { question } = finishTurn(prepared, isInterrupted(result) ? result[INTERRUPT] : []);
    const { usage } = prepared.tracker;
    return {
      response: question ?? finalText(added),
      session_id: turn.sessionId,
      orders: receipts(added),
      steps: steps(added),
      awaiting_confirmation: Boolean(question),
      usage: {
        model: modelName,
        model_calls: usage.modelCalls,
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
      },
    };
  }

  /** The same turn, streamed: tokens and node updates become UI message parts as they happen. */
  async function streamTurn(threadId: string, turn: ChatTurn, parts: ReturnType<typeof createPartTranslator>) {
    const prepared = await prepareTurn(threadId, turn);
    let interrupts: Interrupt[] = [];
    try {
      const stream = await graph.stream(prepared.input, { ...prepared.config, streamMode: ['messages', 'updates'] });
      for await (const [mode, chunk] of stream) {
        if (mode === 'messages') {
          const [message, metadata] = chunk as [BaseMessage, { langgraph_node?: string }];
          parts.token(message, metadata);
        } else if (isInterrupted(chunk)) {
          interrupts = chunk[INTERRUPT];
        } else {
          for (const update of Object.values(chunk as Record<string, { messages?: BaseMessage[] } | undefined>)) {
            if (Array.isArray(update?.messages)) parts.messages(update.messages);
          }
        }
      }
    } catch (error) {
      throw turnFailure(error);
    }
    parts.finish();
    const { question, total, action } = finishTurn(prepared, interrupts);
    if (question) {
      parts.text(`question-${Date.now()}`, question);
      parts.finish();
      parts.confirmation({ question, total, action });
    } else if (!parts.wroteText) {
      parts.text('fallback', finalText([]));
      parts.finish();
    }
  }

  /** Binds the session on the conversation's first turn, then runs the work holding the conversation's lease. */
  async function withConversation<Result>(turn: ChatTurn, work: (threadId: string) => Promise<Result>) {
    const threadId = `${turn.userId}:${turn.sessionId}`;
    const token = randomUUID();
    let lease = await threads.take(threadId, token);
    // A thread of this user and session exists only once the session was bound to them: bind on first use only.
    if (lease === 'absent') {
      // The session id names both the cart and the conversation.
      await bindSession(clients, turn.userId, turn.sessionId);
      lease = await threads.create(threadId, turn.userId, turn.sessionId, token);
    }
    if (lease === 'busy')
      throw AppError.conflict('Still answering your previous message in this session; send this one again in a moment');
    return threads.holding(threadId, token, async () => {
      try {
        return await work(threadId);
      } finally {
        checkpointer.release(threadId);
      }
    });
  }

  return {
    reply: (turn: ChatTurn): Promise<ChatResponse> => withConversation(turn, (threadId) => runTurn(threadId, turn)),

    /**
     * Streams a turn as UI message parts. `open` receives the stream once the conversation is ours, so a busy
     * conversation (409) or a foreign session (403) is still an ordinary HTTP error. The turn runs to its end even
     * when nobody reads the stream any more: a client that goes away never cancels a checkout that has started.
     */
    stream: (turn: ChatTurn, open: (stream: ReadableStream<UIMessageChunk>) => void) =>
      withConversation(turn, async (threadId) => {
        let resolve = () => {};
        const finished = new Promise<void>((done) => (resolve = done));
        const stream = createUIMessageStream({
          execute: async ({ writer }) => {
            try {
              writer.write({ type: 'start' });
              await streamTurn(
                threadId,
                turn,
                createPartTranslator((part) => writer.write(part)),
              );
              writer.write({ type: 'finish' });
            } finally {
              resolve();
            }
          },
          onError: shopperMessage,
        });
        open(stream);
        await finished;
      }),

    /** Forgets conversations idle for longer than the configured age: their checkpoints and their binding. */
    async pruneIdleThreads(maxAgeHours: number) {
      const idle = await threads.idleSince(new Date(Date.now() - maxAgeHours * 3_600_000), 100);
      for (const { threadId } of idle) {
        await checkpointer.deleteThread(threadId);
        await threads.remove(threadId);
      }
      return idle.length;
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
