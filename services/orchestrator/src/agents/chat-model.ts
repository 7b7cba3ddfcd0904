import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import { OfflineChatModel, offlineModelName } from '@ecomm/offline-model';
import type { OrchestratorConfig } from '../config.js';

/** The model behind every agent: any OpenAI-compatible endpoint, or the offline planner. */
export function createChatModel(config: OrchestratorConfig): { model: BaseChatModel; modelName: string } {
  if (config.LLM_PROVIDER === 'offline') return { model: new OfflineChatModel({}), modelName: offlineModelName };
  const model = new ChatOpenAI({
    model: config.LLM_MODEL,
    temperature: 0,
    // Local servers such as Ollama ignore the key, but the client insists on one.
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    timeout: config.LLM_TIMEOUT_MS,
    maxRetries: 2,
    ...(config.OPENAI_BASE_URL ? { configuration: { baseURL: config.OPENAI_BASE_URL } } : {}),
  });
  return { model, modelName: config.LLM_MODEL };
}
