import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { LLMResult } from '@langchain/core/outputs';
import type { AIMessage } from '@langchain/core/messages';

export interface TurnUsage {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
}

/** Counts the model calls and tokens of one chat turn, as reported by the model's responses. */
export class UsageTracker extends BaseCallbackHandler {
  name = 'usage-tracker';
  readonly usage: TurnUsage = { modelCalls: 0, inputTokens: 0, outputTokens: 0 };

  override async handleLLMEnd(output: LLMResult) {
    this.usage.modelCalls += 1;
    for (const generation of output.generations.flat()) {
      const usage = (generation as { message?: AIMessage }).message?.usage_metadata;
      this.usage.inputTokens += usage?.input_tokens ?? 0;
      this.usage.outputTokens += usage?.output_tokens ?? 0;
    }
  }
}
