import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { internalHeaders, signTestToken, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { startTraceReceiver, type TraceReceiver } from './trace-receiver.js';
import { startTracedServices, type TracedCluster } from './traced-services.js';

// The operator's view of one purchase through POST /chat: one trace across every service it touched, and the
// business metrics on each service's /metrics.

const services = ['product', 'session', 'order', 'payment', 'orchestrator'] as const;
let receiver: TraceReceiver;
const database = useTestDatabase();
let cluster: TracedCluster;

useTestFixture(
  async () => {
    receiver = await startTraceReceiver();
    cluster = await startTracedServices([...services], {
      database,
      otlpEndpoint: receiver.url,
      environment: { orchestrator: { LLM_PROVIDER: 'offline' } },
    });
  },
  async () => {
    await cluster?.stop();
    await receiver?.close();
  },
  database,
);

const url = (service: (typeof services)[number]) => cluster.services[service]!.url;

async function chat(token: string, sessionId: string, message: string, traceparent?: string) {
  const response = await fetch(`${url('orchestrator')}/chat`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(traceparent ? { traceparent } : {}),
    },
    body: JSON.stringify({ session_id: sessionId, message }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as { orders: unknown[] };
}

test('one /chat purchase is one trace across five services, with agent, tool, model and saga spans; metrics count it', async () => {
  const created = await fetch(`${url('product')}/`, {
    method: 'POST',
    headers: { ...internalHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'MacBook Pro', price: 2000, stock: 10 }),
  });
  assert.equal(created.status, 201);
  const token = await signTestToken(randomUUID());
  const traceId = randomBytes(16).toString('hex');
  const reply = await chat(
    token,
    `trace-${randomUUID()}`,
    'Buy 1 MacBook Pro',
    `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
  );
  assert.equal(reply.orders.length, 1);

  const expectedNames = [
    'agent supervisor',
    'agent sales',
    'agent checkout',
    'llm supervisor',
    'llm sales',
    'tool search_products',
    'tool add_to_cart',
    'tool checkout',
    ...['claim_cart', 'reserve_stock', 'create_order', 'charge_payment', 'confirm_order', 'complete_claim'].map(
      (step) => `saga ${step}`,
    ),
  ];
  // Spans arrive in batches as they end (an outer span after its children), so wait for every one expected.
  const spans = await receiver.waitForTrace(
    traceId,
    (received) =>
      services.every((service) => received.some((span) => span.service === service)) &&
      expectedNames.every((name) => received.some((span) => span.name === name)),
    60_000,
  );
  for (const step of [
    'claim_cart',
    'reserve_stock',
    'create_order',
    'charge_payment',
    'confirm_order',
    'complete_claim',
  ]) {
    const span = spans.find((each) => each.name === `saga ${step}`);
    assert.equal(span?.attributes['saga.outcome'], 'succeeded', `saga step ${step}`);
    assert.equal(span?.service, 'orchestrator');
  }
  const model = spans.find((span) => span.name === 'llm supervisor');
  assert.equal(model?.attributes['gen_ai.request.model'], 'offline-planner');
  assert.ok(Number(model?.attributes['gen_ai.usage.input_tokens']) > 0);
  for (const service of ['product', 'session', 'order', 'payment']) {
    assert.ok(
      spans.some((span) => span.service === service && span.kind === 2),
      `${service} served a request in the trace`,
    );
  }

  // A checkout of an empty cart fails and compensates; an item left in another cart keeps a cart active.
  await chat(token, `trace-${randomUUID()}`, 'Checkout');
  await chat(token, `trace-${randomUUID()}`, 'Add a MacBook Pro to my cart');
  const metrics = async (service: (typeof services)[number]) => (await fetch(`${url(service)}/metrics`)).text();
  const orchestrator = await metrics('orchestrator');
  assert.match(orchestrator, /^ecomm_checkout_total\{status="completed",service="orchestrator"\} 1$/m);
  assert.match(orchestrator, /^ecomm_checkout_total\{status="failed",service="orchestrator"\} 1$/m);
  assert.match(orchestrator, /^ecomm_checkout_duration_seconds_count\{service="orchestrator"\} 2$/m);
  assert.match(
    orchestrator,
    /^ecomm_saga_compensation_total\{step_name="claim_cart",outcome="compensated",service="orchestrator"\} 1$/m,
  );
  assert.match(
    orchestrator,
    /^ecomm_llm_tokens_total\{model="offline-planner",type="input",service="orchestrator"\} [1-9]\d*$/m,
  );
  assert.match(orchestrator, /^ecomm_llm_calls_total\{model="offline-planner",service="orchestrator"\} [1-9]\d*$/m);
  assert.match(await metrics('session'), /^ecomm_active_carts\{service="session"\} 1$/m);
  for (const service of services) {
    assert.match(
      await metrics(service),
      /^http_request_duration_seconds_count\{.*status_code="20[01]".*\} [1-9]/m,
      `${service} request histogram`,
    );
  }
});
