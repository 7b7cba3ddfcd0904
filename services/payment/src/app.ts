import { createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import type { PaymentConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createSimulatedGateway } from './payments/payment-gateway.js';
import { createPaymentRepository } from './payments/payment-repository.js';
import { createPaymentService } from './payments/payment-service.js';
import { paymentRoutes } from './payments/routes.js';

export async function buildApp(config: PaymentConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'payment' });
  const app = createServiceApp({ service: 'payment', config, readiness: database.ping });
  app.addHook('onClose', database.close);
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });

  const gateway = createSimulatedGateway({
    latencyMs: config.PAYMENT_LATENCY_MS,
    failureRate: config.PAYMENT_FAILURE_RATE,
    simulatedDelayMs: config.PAYMENT_SIMULATED_DELAY_MS,
  });
  const payments = createPaymentService({ payments: createPaymentRepository(database.db), gateway });
  await app.register(paymentRoutes, { payments, simulationEnabled: config.PAYMENT_SIMULATION });
  return app;
}
