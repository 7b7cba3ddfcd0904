import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { workspaceRoot } from '@ecomm/cluster';
import { AppError, createServiceClient, spanAttributes, startTracing, withSpan, type Tracing } from '@ecomm/platform';
import { testSecrets, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { spanKind, startTraceReceiver, type ReceivedSpan, type TraceReceiver } from './trace-receiver.js';
import { startTracedServices, type TracedCluster } from './traced-services.js';

const run = promisify(execFile);
const tracedServices = ['auth', 'product'] as const;

let receiver: TraceReceiver;
const database = useTestDatabase();
let cluster: TracedCluster;
let tracing: Tracing;

useTestFixture(
  async () => {
    receiver = await startTraceReceiver();
    cluster = await startTracedServices([...tracedServices], { database, otlpEndpoint: receiver.url });
    // This process plays the orchestrator: its spans and outgoing calls are traced too.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
    tracing = startTracing('system-tests');
  },
  async () => {
    await tracing?.shutdown();
    await cluster?.stop();
    await receiver?.close();
  },
  database,
);

function client(service: (typeof tracedServices)[number]) {
  return createServiceClient({
    service,
    baseUrl: cluster.services[service]!.url,
    internalApiKey: testSecrets.INTERNAL_API_KEY,
  });
}

const fromScope = (spans: ReceivedSpan[], service: string, scope: string) =>
  spans.filter((span) => span.service === service && span.scope === scope);

/** Every traced service has reported its HTTP server span, its fastify request span and a query. */
function everyServiceReported(spans: ReceivedSpan[]) {
  return tracedServices.every((service) =>
    ['@opentelemetry/instrumentation-http', '@fastify/otel', '@opentelemetry/instrumentation-pg'].every(
      (scope) => fromScope(spans, service, scope).length > 0,
    ),
  );
}

describe('one traced turn across services', () => {
  let traceId: string;
  let spans: ReceivedSpan[];

  before(async () => {
    const auth = client('auth');
    const product = client('product');
    traceId = await withSpan('system-test.turn', { [spanAttributes.sessionId]: 'session-trace-1' }, async (span) => {
      await auth.post('/auth/register', {
        body: { email: `trace-${randomUUID()}@example.com`, password: 'correct-horse-battery' },
      });
      await product.get('/ready');
      return span.spanContext().traceId;
    });
    await Promise.all([auth.close(), product.close()]);
    await tracing.flush();
    spans = await receiver.waitForTrace(traceId, everyServiceReported);
  });

  test('the caller and both services report spans under one trace id', () => {
    assert.deepEqual(new Set(spans.map((span) => span.service)), new Set(['system-tests', ...tracedServices]));
    const root = spans.find((span) => span.name === 'system-test.turn');
    assert.ok(root, 'the withSpan span is exported');
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.attributes[spanAttributes.sessionId], 'session-trace-1');
  });

  test('each service continues the trace context its caller sent through the undici pool', () => {
    const clientSpans = fromScope(spans, 'system-tests', '@opentelemetry/instrumentation-undici');
    assert.equal(clientSpans.length, 2, 'one client span per call made with createServiceClient');
    for (const service of tracedServices) {
      const [server] = fromScope(spans, service, '@opentelemetry/instrumentation-http').filter(
        (span) => span.kind === spanKind.server,
      );
      assert.ok(server, `${service} reports an HTTP server span`);
      const parent = clientSpans.find((span) => span.spanId === server.parentSpanId);
      assert.ok(parent, `${service}'s server span is a child of the caller's client span`);
      assert.equal(parent.kind, spanKind.client);
    }
  });

  test('fastify request spans and pg query spans sit inside each service', () => {
    const fastifyRequest = (service: string) =>
      fromScope(spans, service, '@fastify/otel').find((span) => span.name === 'request');
    assert.ok(fastifyRequest('auth') && fastifyRequest('product'));
    const queries = (service: string) =>
      fromScope(spans, service, '@opentelemetry/instrumentation-pg').map((span) => span.name);
    assert.ok(
      queries('auth').some((name) => name.startsWith('pg.query:INSERT')),
      `auth queries: ${queries('auth').join(', ')}`,
    );
    assert.ok(
      queries('product').some((name) => name.startsWith('pg.query:SELECT')),
      `product queries: ${queries('product').join(', ')}`,
    );
  });

  test('log lines written inside a span carry its trace_id and span_id', async () => {
    const logs = await cluster.services.auth!.logsOnceOneMatches(
      (line) => line.trace_id === traceId && line.msg === 'request completed',
    );
    const inTrace = logs.filter((line) => line.trace_id === traceId);
    const authSpanIds = new Set(spans.filter((span) => span.service === 'auth').map((span) => span.spanId));
    for (const line of inTrace)
      assert.ok(authSpanIds.has(String(line.span_id)), `span_id ${String(line.span_id)} is one of auth's spans`);
    const listening = logs.find((line) => String(line.msg).startsWith('Server listening'));
    assert.ok(listening && listening.trace_id === undefined, 'a line outside any span has no trace_id');
  });
});

test('withSpan marks a failed step as an error, records the exception and rethrows', async () => {
  let traceId = '';
  await assert.rejects(
    withSpan('system-test.saga-step', { [spanAttributes.sagaStep]: 'charge_payment' }, (span) => {
      traceId = span.spanContext().traceId;
      throw AppError.paymentRequired('Card declined');
    }),
    (error: AppError) => error.statusCode === 402,
  );
  await tracing.flush();
  const [span] = await receiver.waitForTrace(traceId, (spans) => spans.length > 0);
  assert.equal(span!.attributes[spanAttributes.sagaStep], 'charge_payment');
  assert.deepEqual(span!.status, { code: 2, message: 'Card declined' });
  assert.equal(span!.events[0]?.name, 'exception');
});

describe('loading @ecomm/platform/tracing', () => {
  // Imports the module the way a server.ts does, then lists the OpenTelemetry modules it loaded.
  const probe = `import '@ecomm/platform/tracing';
import { createRequire } from 'node:module';
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('@opentelemetry'));
console.log(loaded.length);`;

  async function openTelemetryModulesLoaded(environment: Record<string, string>) {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '--eval', probe],
      {
        cwd: join(workspaceRoot(), 'system-tests'),
        env: { PATH: process.env.PATH ?? '', ...environment },
      },
    );
    return Number(stdout.trim());
  }

  test('without OTEL_EXPORTER_OTLP_ENDPOINT loads no OpenTelemetry module at all', async () => {
    assert.equal(await openTelemetryModulesLoaded({}), 0);
  });

  test('with it set loads the SDK before the importing module continues', async () => {
    assert.ok((await openTelemetryModulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })) > 10);
  });
});
