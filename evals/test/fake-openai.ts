import { createServer, type IncomingMessage } from 'node:http';

export interface CompletionRequest {
  model: string;
  temperature?: number;
  messages: { role: string; content: string }[];
  tools?: { type: 'function'; function: { name: string; parameters: { properties: Record<string, unknown> } } }[];
  response_format?: { type: string; json_schema?: { name: string; schema: { properties: Record<string, unknown>; required?: string[] } } };
}

async function readJson(request: IncomingMessage) {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return JSON.parse(text) as CompletionRequest;
}

/**
 * A local OpenAI-compatible endpoint that answers every chat completion with `answer(request)` as structured output:
 * a tool call when the client asked for one (function calling), the JSON as content otherwise (json_schema, json_object).
 */
export async function startFakeOpenAi(answer: (request: CompletionRequest) => Record<string, unknown>) {
  const requests: CompletionRequest[] = [];
  const server = createServer(async (request, response) => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    const body = await readJson(request);
    requests.push(body);
    const json = JSON.stringify(answer(body));
    const tool = body.tools?.[0]?.function.name;
    const message = tool
      ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${requests.length}`, type: 'function', function: { name: tool, arguments: json } }] }
      : { role: 'assistant', content: json };
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message, finish_reason: tool ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: 200, completion_tokens: 40, total_tokens: 240 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}
