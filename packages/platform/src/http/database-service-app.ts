import type { BaseConfig } from '../config.js';
import { createDatabase } from '../database/connection.js';
import type { IdempotencyTable } from '../database/idempotency-table.js';
import { installIdempotency, type IdempotencyMode } from './idempotency.js';
import { createServiceApp, type ServiceAppOptions } from './service-app.js';

export interface DatabaseServiceAppOptions {
  service: string;
  config: BaseConfig;
  /** The service's idempotency table: its mutating routes then honour Idempotency-Key. */
  idempotencyTable?: IdempotencyTable;
  /** How its routes record an idempotent answer (default `separate-transactions`); a route may override it. */
  idempotencyMode?: IdempotencyMode;
  docsAccess?: ServiceAppOptions['docsAccess'];
}

/**
 * The start of every service's buildApp: the shared app, a pool on the service's own database role (closed last,
 * as onClose hooks run in reverse), readiness that pings it, and idempotent writes.
 */
export function createDatabaseServiceApp(options: DatabaseServiceAppOptions) {
  const { service, config } = options;
  const database = createDatabase({
    url: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    applicationName: service,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
  });
  const app = createServiceApp({ service, config, readiness: database.ping, docsAccess: options.docsAccess });
  app.addHook('onClose', database.close);
  if (options.idempotencyTable) {
    installIdempotency(app, {
      db: database.db,
      table: options.idempotencyTable,
      ttlHours: config.IDEMPOTENCY_TTL_HOURS,
      mode: options.idempotencyMode,
    });
  }
  return { app, database };
}
