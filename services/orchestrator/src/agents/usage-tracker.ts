import type { AIMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';

export interface TurnUsage {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Counts the model calls and tokens of one chat turn, as reported by the model's replies. It rides in the turn's
 * `configurable` and the graph's model calls record into it, rather than being a LangChain callback handler: any
 * handler makes LangChain build a callback manager and report the start and end of every runnable of the graph
 * (tens per turn), which cost more than the rest of a turn's bookkeeping.
 */
export class UsageTracker {
  readonly usage: TurnUsage = { modelCalls: 0, inputTokens: 0, outputTokens: 0 };

  record(reply: Pick<AIMessage, 'usage_metadata'>) {
    this.usage.modelCalls += 1;
    this.usage.inputTokens += reply.usage_metadata?.input_tokens ?? 0;
    this.usage.outputTokens += reply.usage_metadata?.output_tokens ?? 0;
  }

  /** The turn's tracker, if the graph was run with one (`configurable.usage`). */
  static of(config: RunnableConfig): UsageTracker | undefined {
    const tracker: unknown = config.configurable?.usage;
    return tracker instanceof UsageTracker ? tracker : undefined;
  }
}
