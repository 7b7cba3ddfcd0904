import { createDatabaseServiceApp } from '@ecomm/platform';
import type { PaymentConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createSimulatedGateway } from './payments/payment-gateway.js';
import { createPaymentRepository } from './payments/payment-repository.js';
import { createPaymentService } from './payments/payment-service.js';
import { paymentRoutes } from './payments/routes.js';

export async function buildApp(config: PaymentConfig) {
  const { app, database } = createDatabaseServiceApp({
    service: 'payment',
    config,
    idempotencyTable: idempotencyKeys,
    // Every mutating route's work is this service's database only (the charge excepted: see its route).
    idempotencyMode: 'one-transaction',
  });

  const gateway = createSimulatedGateway({
    latencyMs: config.PAYMENT_LATENCY_MS,
    failureRate: config.PAYMENT_FAILURE_RATE,
    simulatedDelayMs: config.PAYMENT_SIMULATED_DELAY_MS,
  });
  const payments = createPaymentService({ payments: createPaymentRepository(database.db), gateway });
  await app.register(paymentRoutes, { payments, simulationEnabled: config.PAYMENT_SIMULATION });
  return app;
}
