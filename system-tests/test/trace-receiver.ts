import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** One span as an OTLP/HTTP JSON export carries it, flattened with its service and instrumentation scope. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** 1 internal, 2 server, 3 client (OTLP's SpanKind numbers). */
  kind: number;
  service: string;
  scope: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
}

export const spanKind = { internal: 1, server: 2, client: 3 } as const;

interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
        status?: { code?: number; message?: string };
        events?: { name: string; attributes?: OtlpAttribute[] }[];
      }[];
    }[];
  }[];
}

function decodeValue(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.arrayValue?.values?.map(decodeValue);
}

function decodeAttributes(attributes: OtlpAttribute[] = []) {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, decodeValue(value)]));
}

/** Flattens one OTLP/HTTP JSON trace export (the body of POST /v1/traces). */
function decodeTraceExport(body: OtlpExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(decodeAttributes(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        service,
        scope: scopeSpans.scope?.name ?? '',
        attributes: decodeAttributes(span.attributes),
        status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
        events: (span.events ?? []).map((event) => ({
          name: event.name,
          attributes: decodeAttributes(event.attributes),
        })),
      })),
    );
  });
}

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface TraceReceiver {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: () => ReceivedSpan[];
  /** Every span received so far with this trace id. */
  trace: (traceId: string) => ReceivedSpan[];
  /** Waits until the spans of a trace satisfy `ready` (e.g. every expected service has reported). */
  waitForTrace: (
    traceId: string,
    ready: (spans: ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ) => Promise<ReceivedSpan[]>;
  close: () => Promise<void>;
}

/**
 * A stand-in OpenTelemetry collector: an HTTP server on a random loopback port that accepts the
 * JSON OTLP/HTTP exports of @opentelemetry/exporter-trace-otlp-http and keeps their spans.
 */
export async function startTraceReceiver(): Promise<TraceReceiver> {
  const received: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      try {
        received.push(...decodeTraceExport(JSON.parse(text) as OtlpExport));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const trace = (traceId: string) => received.filter((span) => span.traceId === traceId);
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    trace,
    async waitForTrace(traceId, ready, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ready(trace(traceId))) {
        if (Date.now() > deadline) {
          const seen = trace(traceId).map((span) => `${span.service}: ${span.name}`);
          throw new Error(`Trace ${traceId} incomplete after ${timeoutMs} ms; received:\n  ${seen.join('\n  ')}`);
        }
        await sleep(100);
      }
      return trace(traceId);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
