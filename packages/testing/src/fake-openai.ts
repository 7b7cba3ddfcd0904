import { createServer, type IncomingMessage } from 'node:http';

export interface ChatCompletionRequest {
  model: string;
  temperature?: number;
  messages: { role: string; content: string | null; name?: string; tool_call_id?: string; tool_calls?: unknown[] }[];
  tools?: { type: 'function'; function: { name: string; parameters?: { properties: Record<string, unknown> } } }[];
  tool_choice?: unknown;
  response_format?: {
    type: string;
    json_schema?: { name: string; schema: { properties: Record<string, unknown>; required?: string[] } };
  };
}

export type FakeDecision = { tool_calls: { name: string; arguments: Record<string, unknown> }[] } | { content: string };

async function readJson(request: IncomingMessage) {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return JSON.parse(text) as ChatCompletionRequest;
}

/**
 * A local OpenAI-compatible endpoint (POST /v1/chat/completions) whose answers come from `decide`, so the real
 * @langchain/openai client is exercised end to end: tool definitions out, tool calls in, tool results back.
 * It stands in for the LLM provider, the one part of the system that cannot run here.
 */
/**
 * How the fake names its tool calls: `unique` as OpenAI does; `constant` (`call_0` every time) and `missing` (no id)
 * as some OpenAI-compatible servers do.
 */
export type FakeCallIds = 'unique' | 'constant' | 'missing';

export async function startFakeOpenAi(
  decide: (request: ChatCompletionRequest) => FakeDecision,
  callIds: FakeCallIds = 'unique',
) {
  const callId = (index: number) =>
    ({ unique: { id: `call_${requests.length}_${index}` }, constant: { id: 'call_0' }, missing: {} })[callIds];
  const requests: ChatCompletionRequest[] = [];
  const server = createServer(async (request, response) => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    const body = await readJson(request);
    requests.push(body);
    const decision = decide(body);
    const message =
      'content' in decision
        ? { role: 'assistant', content: decision.content }
        : {
            role: 'assistant',
            content: null,
            tool_calls: decision.tool_calls.map((call, index) => ({
              ...callId(index),
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.arguments) },
            })),
          };
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message, finish_reason: 'content' in decision ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
