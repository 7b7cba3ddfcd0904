import { setTimeout as sleep } from 'node:timers/promises';
import { sessionTakenCode, type ChatResponse, type CheckoutReceipt } from '@ecomm/contracts';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Command, GraphRecursionError, type BaseCheckpointSaver } from '@langchain/langgraph';
import { AppError, idempotencyInProgressCode, isAppError, type BusinessMetrics } from '@ecomm/platform';
import type { ShoppingGraph } from '../agents/graph/shopping-graph.js';
import { UsageTracker } from '../agents/usage-tracker.js';
import type { DomainClients } from '../clients/domain-clients.js';
import type { ThreadRepository } from './thread-repository.js';

export interface ChatTurn {
  userId: string;
  sessionId: string;
  message: string;
}

function finalText(messages: BaseMessage[]) {
  const reply = messages.findLast(
    (message) => AIMessage.isInstance(message) && !message.tool_calls?.length && typeof message.content === 'string' && message.content !== '',
  );
  return reply ? String(reply.content) : "Sorry, I couldn't work that out. Could you rephrase?";
}

function receipts(messages: BaseMessage[]): CheckoutReceipt[] {
  return messages
    .filter((message): message is ToolMessage => ToolMessage.isInstance(message) && message.name === 'checkout')
    .map((message) => message.artifact as CheckoutReceipt | null | undefined)
    .filter((receipt): receipt is CheckoutReceipt => Boolean(receipt));
}

const bindAttempts = 5;

type WithToolCalls = BaseMessage & { tool_calls?: { id?: string; name: string; args: Record<string, unknown> }[] };

function steps(messages: BaseMessage[]) {
  const outcomes = new Map<string, boolean>();
  for (const message of messages) {
    if (!ToolMessage.isInstance(message)) continue;
    outcomes.set(message.tool_call_id, !/^\{"ok":false/.test(String(message.content)));
  }
  return messages.flatMap((message) =>
    ((message as WithToolCalls).tool_calls ?? []).map((call) => ({ tool: call.name, args: call.args, ok: outcomes.get(call.id ?? '') ?? false })),
  );
}

export function createChatService(dependencies: {
  graph: ShoppingGraph;
  clients: DomainClients;
  threads: ThreadRepository;
  checkpointer: BaseCheckpointSaver;
  modelName: string;
  metrics: BusinessMetrics;
}) {
  const { graph, clients, threads, metrics, modelName } = dependencies;

  /** The session id names both the cart and the conversation; on first use it is bound to the caller. */
  async function bindSession(userId: string, sessionId: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        await clients.carts.open(sessionId, userId);
        return;
      } catch (error) {
        if (isAppError(error) && error.code === sessionTakenCode) throw AppError.forbidden('This session belongs to another user');
        // The same binding sent a moment ago by this user's other request, not answered yet: ask again.
        if (isAppError(error) && error.code === idempotencyInProgressCode && attempt < bindAttempts) {
          await sleep(100 * attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async function runTurn(threadId: string, turn: ChatTurn): Promise<ChatResponse> {
    const tracker = new UsageTracker();
    const config = {
      configurable: { thread_id: threadId, user_id: turn.userId, session_id: turn.sessionId },
      recursionLimit: 100,
      callbacks: [tracker],
    };
    const before = await graph.getState(config);
    const pending = before.tasks.flatMap((task) => task.interrupts)[0];
    const known = (before.values.messages as BaseMessage[] | undefined)?.length ?? 0;
    let result;
    try {
      result = pending
        ? await graph.invoke(new Command({ resume: { answer: turn.message, asked: pending.value } }), config)
        : await graph.invoke({ messages: [new HumanMessage(turn.message)] }, config);
    } catch (error) {
      if (!(error instanceof GraphRecursionError)) throw error;
      throw AppError.unprocessable('That request needed too many steps for one message; ask for fewer things at a time');
    }
    const added = (result.messages as BaseMessage[]).slice(known);

    const after = await graph.getState(config);
    const question = after.tasks.flatMap((task) => task.interrupts).map((each) => (each.value as { question?: string })?.question)[0];

    metrics.llmCalls.inc({ model: modelName }, tracker.usage.modelCalls);
    metrics.llmTokens.inc({ model: modelName, type: 'input' }, tracker.usage.inputTokens);
    metrics.llmTokens.inc({ model: modelName, type: 'output' }, tracker.usage.outputTokens);
    return {
      response: question ?? finalText(added),
      session_id: turn.sessionId,
      orders: receipts(added),
      steps: steps(added),
      awaiting_confirmation: Boolean(question),
      usage: { model: modelName, model_calls: tracker.usage.modelCalls, input_tokens: tracker.usage.inputTokens, output_tokens: tracker.usage.outputTokens },
    };
  }

  return {
    async reply(turn: ChatTurn): Promise<ChatResponse> {
      const threadId = `${turn.userId}:${turn.sessionId}`;
      // A thread of this user and session exists only once the session was bound to them: bind on first use only.
      if (!(await threads.touch(threadId))) {
        await bindSession(turn.userId, turn.sessionId);
        await threads.create(threadId, turn.userId, turn.sessionId);
      }
      const locked = await threads.withLock(threadId, () => runTurn(threadId, turn));
      if (!locked) throw AppError.conflict('Still answering your previous message in this session; send this one again in a moment');
      return locked.result;
    },

    /** Forgets conversations idle for longer than the configured age: their checkpoints and their binding. */
    async pruneIdleThreads(maxAgeHours: number) {
      const idle = await threads.idleSince(new Date(Date.now() - maxAgeHours * 3_600_000), 100);
      for (const { threadId } of idle) {
        await dependencies.checkpointer.deleteThread(threadId);
        await threads.remove(threadId);
      }
      return idle.length;
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
