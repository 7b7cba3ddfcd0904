import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/** Attribute names for the spans of agent nodes, tool and model calls and saga steps, kept in one place. */
export const spanAttributes = {
  sessionId: 'session.id',
  agentNode: 'agent.node',
  toolName: 'gen_ai.tool.name',
  model: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  sagaId: 'saga.id',
  sagaStep: 'saga.step',
  sagaOutcome: 'saga.outcome',
} as const;

/**
 * Runs `work` inside a new span, a child of the active one, and ends it. A throw marks the span as
 * failed (with the exception recorded) and propagates. `work` gets the span to add attributes
 * learnt on the way, such as token counts.
 */
export function withSpan<Result>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<Result> | Result,
): Promise<Result> {
  // Asked for on each call, not once at import: a tracer taken before the SDK starts stays a no-op.
  // Without tracing it is a no-op anyway, so code can always call withSpan.
  const tracer = trace.getTracer('@ecomm/platform');
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      span.recordException(error instanceof Error ? error : message);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      throw error;
    } finally {
      span.end();
    }
  });
}
