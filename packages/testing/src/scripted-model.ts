import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { ChatResult } from '@langchain/core/outputs';

interface ScriptedCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

export interface ScriptedCall {
  tools: string[];
  messages: BaseMessage[];
}

export type ScriptedTurn = { call: string; args?: Record<string, unknown> } | { say: string };

/** A fake tool-calling model that answers from a script, one entry per model call, and records what it saw. */
export class ScriptedChatModel extends BaseChatModel<ScriptedCallOptions> {
  readonly calls: ScriptedCall[] = [];
  private readonly script: ScriptedTurn[][] | ((tools: string[]) => ScriptedTurn[]);

  /** `script`: one entry per call in order, or a function of the bound tools for calls in any order. */
  constructor(
    script: ScriptedTurn[][] | ((tools: string[]) => ScriptedTurn[]),
    private readonly delayMs = 0,
  ) {
    super({});
    this.script = typeof script === 'function' ? script : [...script];
  }

  _llmType() {
    return 'scripted';
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedCallOptions> {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const tools = (options.tools ?? []).map((tool) => (tool as { name: string }).name);
    this.calls.push({ tools, messages });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const turn = typeof this.script === 'function' ? this.script(tools) : this.script.shift();
    if (!turn) throw new Error(`The script ran out at call ${this.calls.length} (tools: ${tools.join(', ')})`);
    const said = turn.find((entry): entry is { say: string } => 'say' in entry);
    const toolCalls = turn
      .filter((entry): entry is { call: string; args?: Record<string, unknown> } => 'call' in entry)
      .map((entry, index) => ({
        id: `scripted-${this.calls.length}-${index}`,
        name: entry.call,
        args: entry.args ?? {},
        type: 'tool_call' as const,
      }));
    const message = new AIMessage({ content: said?.say ?? '', tool_calls: toolCalls });
    return { generations: [{ message, text: said?.say ?? '' }] };
  }
}
