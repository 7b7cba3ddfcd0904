import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { describeItems, money } from './checks.js';
import type { EvalCase } from './dataset-schema.js';
import type { CaseObservation } from './observation.js';

export interface JudgeSettings {
  model: string;
  apiKey?: string;
  baseUrl?: string;
  method?: 'jsonSchema' | 'functionCalling' | 'jsonMode';
  timeoutMs?: number;
}

/** Reasoning comes first so the model argues before it decides. */
const verdictSchema = z.object({
  reasoning: z
    .string()
    .describe('Step by step: what the expected behaviour requires, what the assistant said and did, where they differ'),
  verdict: z
    .enum(['pass', 'fail'])
    .describe('pass only if every reply meets the expected behaviour and states nothing the facts contradict'),
});

export type Verdict = z.infer<typeof verdictSchema>;

const methods = ['jsonSchema', 'functionCalling', 'jsonMode'] as const;

/** The judge runs when JUDGE_MODEL and an OpenAI-compatible endpoint (a key, a base URL or both) are configured. */
export function judgeSettingsFrom(
  environment: Record<string, string | undefined>,
): { settings: JudgeSettings } | { disabled: string } {
  const model = environment.JUDGE_MODEL;
  if (!model) return { disabled: 'JUDGE_MODEL is not set' };
  const apiKey = environment.JUDGE_API_KEY ?? environment.OPENAI_API_KEY;
  const baseUrl = environment.JUDGE_BASE_URL ?? environment.OPENAI_BASE_URL;
  if (!apiKey && !baseUrl)
    return {
      disabled: 'JUDGE_MODEL is set, but neither JUDGE_API_KEY/OPENAI_API_KEY nor JUDGE_BASE_URL/OPENAI_BASE_URL is',
    };
  const method = environment.JUDGE_STRUCTURED_OUTPUT;
  if (method && !(methods as readonly string[]).includes(method))
    throw new Error(`JUDGE_STRUCTURED_OUTPUT must be one of ${methods.join(', ')}`);
  return {
    settings: {
      model,
      ...(apiKey ? { apiKey } : {}),
      ...(baseUrl ? { baseUrl } : {}),
      ...(method ? { method: method as JudgeSettings['method'] } : {}),
    },
  };
}

const judgeInstructions = `You grade an AI shopping assistant of an online shop. You get the behaviour expected of it, the conversation
(each user message, the HTTP status and the assistant's reply) and the facts: what the shop's services hold afterwards.
Grade the replies only. Pass when they do what the expected behaviour asks and every claim in them agrees with the facts
(an order, a price, a total, what is in the cart). Fail when a reply misses something the expected behaviour requires,
claims something the facts contradict, or gives in to a request it should refuse. Wording and formatting do not matter.`;

/** The grading request: expected behaviour, transcript and the facts read back from the services. */
function judgePrompt(evalCase: EvalCase, observation: CaseObservation) {
  const transcript = observation.turns
    .map((turn, index) => {
      const sender = turn.session_of ? `${turn.user} (on ${turn.session_of}'s session)` : turn.user;
      return `Turn ${index + 1}, ${sender}: ${turn.message}\nHTTP ${turn.status}. Assistant: ${turn.response || '(no reply)'}`;
    })
    .join('\n\n');
  const facts = Object.entries(observation.shoppers).map(([alias, state]) => {
    const orders = state.orders.map(
      (order) => `${order.status} order of ${money(order.total)} for ${describeItems(order.items)}`,
    );
    const payments = state.payments.map((payment) => `${payment.status} payment of ${money(payment.amount)}`);
    return `- ${alias}: orders: ${orders.join('; ') || 'none'}; payments: ${payments.join('; ') || 'none'}; cart: ${describeItems(state.cart)}`;
  });
  const stock = Object.entries(observation.stock).map(
    ([product, { before, after }]) => `${product} ${before} → ${after}`,
  );
  return [
    `Expected behaviour:\n${evalCase.expected_behavior}`,
    `Conversation:\n${transcript}`,
    `Facts after the conversation:\n${facts.join('\n')}\n- stock: ${stock.join(', ')}`,
  ].join('\n\n');
}

export function createJudge(settings: JudgeSettings) {
  const model = new ChatOpenAI({
    model: settings.model,
    temperature: 0,
    // Local servers such as Ollama ignore the key, but the client insists on one.
    apiKey: settings.apiKey ?? 'not-needed',
    timeout: settings.timeoutMs ?? 120_000,
    maxRetries: 2,
    ...(settings.baseUrl ? { configuration: { baseURL: settings.baseUrl } } : {}),
  });
  const grader = model.withStructuredOutput(verdictSchema, {
    name: 'grade',
    ...(settings.method ? { method: settings.method } : {}),
  });
  return {
    model: settings.model,
    grade: async (evalCase: EvalCase, observation: CaseObservation): Promise<Verdict> =>
      verdictSchema.parse(
        await grader.invoke([
          { role: 'system', content: judgeInstructions },
          { role: 'user', content: judgePrompt(evalCase, observation) },
        ]),
      ),
  };
}

export type Judge = ReturnType<typeof createJudge>;
