import { createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import type { SessionConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';

export async function buildApp(config: SessionConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'session' });
  const app = createServiceApp({ service: 'session', config, readiness: database.ping });
  app.addHook('onClose', database.close);
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  return app;
}
