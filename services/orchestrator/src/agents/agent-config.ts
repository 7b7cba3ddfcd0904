import { rateLimitSchema } from '@ecomm/platform';
import { z } from 'zod';

/** The orchestrator's settings for the agents and POST /chat. */
export const agentConfigShape = {
  /** openai: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, Groq); offline: the rule-based stand-in. */
  LLM_PROVIDER: z.enum(['openai', 'offline']).optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  RATE_LIMIT_CHAT: rateLimitSchema.prefault('30/minute'),
  /** Per user on /mcp: every MCP message (a tool call, a listing) counts, so it allows more than the chat. */
  RATE_LIMIT_MCP: rateLimitSchema.prefault('120/minute'),
  CHECKOUT_CONFIRMATION: z.enum(['required', 'off']).default('off'),
  CHAT_HISTORY_LIMIT: z.coerce.number().int().min(4).max(500).default(40),
  CHAT_THREAD_TTL_HOURS: z.coerce.number().min(1).default(720),
};

interface AgentSettings {
  LLM_PROVIDER?: 'openai' | 'offline' | undefined;
  OPENAI_API_KEY?: string | undefined;
  OPENAI_BASE_URL?: string | undefined;
}

/** The provider defaults to openai when a key or endpoint is configured, and to the offline model otherwise. */
export function resolveProvider<Config extends AgentSettings>(config: Config, context: z.RefinementCtx) {
  const provider = config.LLM_PROVIDER ?? (config.OPENAI_API_KEY || config.OPENAI_BASE_URL ? 'openai' : 'offline');
  if (provider === 'openai' && !config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) {
    context.addIssue({
      code: 'custom',
      path: ['OPENAI_API_KEY'],
      message: 'is required when LLM_PROVIDER=openai (or set OPENAI_BASE_URL for a local server)',
    });
  }
  return { ...config, LLM_PROVIDER: provider };
}
