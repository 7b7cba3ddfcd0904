import { createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import { adminRoutes } from './admin/routes.js';
import { checkoutSaga } from './checkout/checkout-saga.js';
import { createCheckoutService } from './checkout/checkout-service.js';
import { checkoutRoutes } from './checkout/routes.js';
import { createDomainClients } from './clients/domain-clients.js';
import type { OrchestratorConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createSagaRecovery } from './saga/saga-recovery.js';
import { createSagaRepository } from './saga/saga-repository.js';
import { createSagaRunner } from './saga/saga-runner.js';

export async function buildApp(config: OrchestratorConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'orchestrator' });
  const app = createServiceApp({ service: 'orchestrator', config, readiness: database.ping });
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });

  const clients = createDomainClients(config);
  const sagaRepository = createSagaRepository(database.db);
  const runner = createSagaRunner(checkoutSaga(clients), {
    repository: sagaRepository,
    logger: app.log,
    heartbeatMs: config.SAGA_HEARTBEAT_MS,
    attempts: config.SAGA_STEP_ATTEMPTS,
    backoffMs: config.SAGA_BACKOFF_MS,
  });
  const recovery = createSagaRecovery({
    repository: sagaRepository,
    runner,
    logger: app.log,
    staleAfterMs: config.SAGA_STALE_AFTER_MS,
    intervalMs: config.SAGA_SWEEP_INTERVAL_MS,
  });
  const checkout = createCheckoutService({ clients, runner, observer: { finished: () => undefined } });

  await app.register(checkoutRoutes, {
    checkout,
    paymentSimulation: config.PAYMENT_SIMULATION,
    faultInjection: config.SAGA_FAULT_INJECTION,
  });
  await app.register(adminRoutes, { repository: sagaRepository, resume: runner.resume });

  app.addHook('onReady', async () => recovery.start());
  app.addHook('onClose', async () => {
    await recovery.stop();
    await clients.close();
    await database.close();
  });
  return app;
}
