import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from '../http/service-client.js';

/** The business metrics' names: the dashboards and alerts query these. */
export const businessMetricNames = {
  checkouts: 'ecomm_checkout_total',
  checkoutDuration: 'ecomm_checkout_duration_seconds',
  sagaCompensations: 'ecomm_saga_compensation_total',
  llmTokens: 'ecomm_llm_tokens_total',
  llmCalls: 'ecomm_llm_calls_total',
  activeCarts: 'ecomm_active_carts',
  orderOperations: 'ecomm_order_operations_total',
  refunds: 'ecomm_refunds_total',
  refundedAmount: 'ecomm_refunded_amount_total',
  circuitBreakerState: 'ecomm_circuit_breaker_state',
} as const;

/** The gauge's value for each breaker state: a dashboard can show the worst with max(). */
export const breakerStateValues: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The one definition of the business metrics (names, help, labels, buckets), created on an app's
 * registry (`createBusinessMetrics(app.metrics)`) so they appear on its GET /metrics.
 */
export function createBusinessMetrics(registry: Registry, sources: { activeCarts?: () => Promise<number> } = {}) {
  const registers = [registry];
  return {
    checkouts: new Counter({
      name: businessMetricNames.checkouts,
      help: 'Checkouts by outcome (status: completed, failed, compensated, ...)',
      labelNames: ['status'] as const,
      registers,
    }),
    checkoutDuration: new Histogram({
      name: businessMetricNames.checkoutDuration,
      help: 'Time from the start of a checkout saga to its outcome',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    sagaCompensations: new Counter({
      name: businessMetricNames.sagaCompensations,
      help: 'Saga compensations run, by the step being undone and whether the undo succeeded (compensated or failed)',
      labelNames: ['step_name', 'outcome'] as const,
      registers,
    }),
    llmTokens: new Counter({
      name: businessMetricNames.llmTokens,
      help: 'Language-model tokens used, by model and type (input or output)',
      labelNames: ['model', 'type'] as const,
      registers,
    }),
    llmCalls: new Counter({
      name: businessMetricNames.llmCalls,
      help: 'Language-model calls, by model',
      labelNames: ['model'] as const,
      registers,
    }),
    orderOperations: new Counter({
      name: businessMetricNames.orderOperations,
      help: "Shoppers' cancellations and returns, by operation and outcome (completed, processing, refused, failed)",
      labelNames: ['operation', 'outcome'] as const,
      registers,
    }),
    refunds: new Counter({
      name: businessMetricNames.refunds,
      help: 'Refunds made, by the operation that made them (cancellation or return)',
      labelNames: ['operation'] as const,
      registers,
    }),
    refundedAmount: new Counter({
      name: businessMetricNames.refundedAmount,
      help: 'Money refunded, in the currency unit (USD), by operation (cancellation or return)',
      labelNames: ['operation'] as const,
      registers,
    }),
    circuitBreakerState: new Gauge({
      name: businessMetricNames.circuitBreakerState,
      help: 'Circuit breaker in front of each upstream service: 0 closed, 1 half-open (testing), 2 open (failing fast)',
      labelNames: ['upstream'] as const,
      registers,
    }),
    activeCarts: new Gauge({
      name: businessMetricNames.activeCarts,
      help: 'Carts that hold at least one item and have not been checked out',
      registers,
      // Read from the owning service's database at scrape time, so every replica reports the same truth.
      ...(sources.activeCarts
        ? {
            async collect(this: Gauge) {
              this.set(await sources.activeCarts!());
            },
          }
        : {}),
    }),
  };
}

export type BusinessMetrics = ReturnType<typeof createBusinessMetrics>;
