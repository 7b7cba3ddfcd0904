import { createRequire } from 'node:module';
import type * as FastifyOtelModule from '@fastify/otel';
import type * as ExporterModule from '@opentelemetry/exporter-trace-otlp-http';
import type * as HttpModule from '@opentelemetry/instrumentation-http';
import type * as PgModule from '@opentelemetry/instrumentation-pg';
import type * as PinoModule from '@opentelemetry/instrumentation-pino';
import type * as UndiciModule from '@opentelemetry/instrumentation-undici';
import type * as SdkModule from '@opentelemetry/sdk-node';

// Health checks and Prometheus scrapes would otherwise be most of the traces.
const untracedPaths = new Set(['/health', '/metrics']);

export interface Tracing {
  /** Exports the spans that have ended so far. */
  flush: () => Promise<void>;
  /** Flushes, then stops tracing. */
  shutdown: () => Promise<void>;
}

/**
 * Starts OpenTelemetry for a process: spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, with
 * http, undici, fastify, pg and pino instrumented, and W3C trace context in and out.
 *
 * It loads the SDK with a synchronous require, only when called: a process without tracing never
 * loads it, and a module that calls this at its top has every hook in place before the modules
 * imported after it load fastify, pg or node:http. (A top-level await would not: sibling imports
 * run while it waits.)
 */
let active: Tracing | undefined;

/** Sends the spans still buffered and stops tracing, if it was started; a stopping service calls it last. */
export async function shutdownTracing() {
  await active?.shutdown();
  active = undefined;
}

export function startTracing(service: string): Tracing {
  const load = createRequire(import.meta.url);
  const { NodeSDK, tracing } = load('@opentelemetry/sdk-node') as typeof SdkModule;
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-http') as typeof ExporterModule;
  const { HttpInstrumentation } = load('@opentelemetry/instrumentation-http') as typeof HttpModule;
  const { UndiciInstrumentation } = load('@opentelemetry/instrumentation-undici') as typeof UndiciModule;
  const { PgInstrumentation } = load('@opentelemetry/instrumentation-pg') as typeof PgModule;
  const { PinoInstrumentation } = load('@opentelemetry/instrumentation-pino') as typeof PinoModule;
  const { FastifyOtelInstrumentation } = load('@fastify/otel') as typeof FastifyOtelModule;

  // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and the other standard OTEL_EXPORTER_OTLP_* variables).
  const spans = new tracing.BatchSpanProcessor(new OTLPTraceExporter());
  const sdk = new NodeSDK({
    serviceName: service,
    spanProcessors: [spans],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => untracedPaths.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      new UndiciInstrumentation(),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => untracedPaths.has(route.url),
      }),
      // Pool housekeeping outside any request (migrations, idempotency pruning) would be noise.
      new PgInstrumentation({ requireParentSpan: true }),
      // Adds trace_id and span_id to every log line written inside a span.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  active = { flush: () => spans.forceFlush(), shutdown: () => sdk.shutdown() };
  return active;
}
