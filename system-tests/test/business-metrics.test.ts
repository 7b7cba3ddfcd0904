import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  baseConfigSchema,
  businessMetricNames,
  createBusinessMetrics,
  createServiceApp,
  loadConfig,
} from '@ecomm/platform';
import { testEnvironment } from '@ecomm/testing';

const config = loadConfig(baseConfigSchema, testEnvironment({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused' }));

test("the business metrics appear on an app's GET /metrics with their labels and the service label", async () => {
  const app = createServiceApp({ service: 'orchestrator', config });
  const metrics = createBusinessMetrics(app.metrics);
  metrics.checkouts.inc({ status: 'completed' });
  metrics.checkoutDuration.observe(1.2);
  metrics.sagaCompensations.inc({ step_name: 'reserve_stock', outcome: 'compensated' });
  metrics.llmTokens.inc({ model: 'gpt-4o-mini', type: 'input' }, 120);
  metrics.llmCalls.inc({ model: 'gpt-4o-mini' });
  metrics.activeCarts.set(3);

  const response = await app.inject({ method: 'GET', url: '/metrics' });
  await app.close();
  assert.equal(response.statusCode, 200);
  const text = response.body;
  for (const name of Object.values(businessMetricNames)) assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
  assert.match(text, /^ecomm_checkout_total\{status="completed",service="orchestrator"\} 1$/m);
  assert.match(text, /^ecomm_checkout_duration_seconds_count\{service="orchestrator"\} 1$/m);
  assert.match(
    text,
    /^ecomm_saga_compensation_total\{step_name="reserve_stock",outcome="compensated",service="orchestrator"\} 1$/m,
  );
  assert.match(text, /^ecomm_llm_tokens_total\{model="gpt-4o-mini",type="input",service="orchestrator"\} 120$/m);
  assert.match(text, /^ecomm_llm_calls_total\{model="gpt-4o-mini",service="orchestrator"\} 1$/m);
  assert.match(text, /^ecomm_active_carts\{service="orchestrator"\} 3$/m);
});

test('two apps in one process keep separate business metrics', async () => {
  const first = createServiceApp({ service: 'orchestrator', config });
  const second = createServiceApp({ service: 'session', config });
  createBusinessMetrics(first.metrics).activeCarts.set(5);
  createBusinessMetrics(second.metrics).activeCarts.set(2);
  const [one, two] = await Promise.all([first.inject('/metrics'), second.inject('/metrics')]);
  await Promise.all([first.close(), second.close()]);
  assert.match(one.body, /^ecomm_active_carts\{service="orchestrator"\} 5$/m);
  assert.match(two.body, /^ecomm_active_carts\{service="session"\} 2$/m);
});
