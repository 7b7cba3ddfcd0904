import { createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import type { OrchestratorConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';

export async function buildApp(config: OrchestratorConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'orchestrator' });
  const app = createServiceApp({ service: 'orchestrator', config, readiness: database.ping });
  app.addHook('onClose', database.close);
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  return app;
}
