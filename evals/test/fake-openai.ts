import { startFakeOpenAi, type ChatCompletionRequest } from '@ecomm/testing';

export type CompletionRequest = ChatCompletionRequest;

/**
 * A fake judge endpoint: answers every completion with `answer(request)` as structured output, as a tool call when
 * the client asked for function calling, as JSON content otherwise (json_schema, json_object).
 */
export function startFakeJudge(answer: (request: CompletionRequest) => Record<string, unknown>) {
  return startFakeOpenAi((request) => {
    const tool = request.tools?.[0]?.function.name;
    return tool
      ? { tool_calls: [{ name: tool, arguments: answer(request) }] }
      : { content: JSON.stringify(answer(request)) };
  });
}
