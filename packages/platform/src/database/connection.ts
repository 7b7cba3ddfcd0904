import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { poolTypes } from './bytea-arrays.js';
import { PostgresClient, UnpreparedPostgresClient } from './postgres-client.js';
import { routeToRequestTransaction } from './request-transaction.js';

// NUMERIC and BIGINT arrive as strings by default; counts and sums in this codebase fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseSettings {
  url: string;
  poolMax?: number;
  applicationName?: string;
  /** Prepare each parameterised statement once per connection (default true); see PostgresClient. */
  preparedStatements?: boolean;
  /** How long a statement may wait for a lock (PostgreSQL's `lock_timeout`, set as the connection opens); 0 or unset: no limit. */
  lockTimeoutMs?: number;
}

export type Database = NodePgDatabase<Record<string, never>>;

export function createDatabase(settings: DatabaseSettings) {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax ?? 10,
    application_name: settings.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: poolTypes,
    ...(settings.lockTimeoutMs ? { lock_timeout: settings.lockTimeoutMs } : {}),
    Client: settings.preparedStatements === false ? UnpreparedPostgresClient : PostgresClient,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('release', (_error, client) => (client as unknown as PostgresClient).forgetHeld());
  // Calls made while a request's transaction is open join it (idempotent routes answered in one transaction).
  const db: Database = routeToRequestTransaction(drizzle({ client: pool }));

  return {
    db,
    pool,
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await pool.end();
    },
  };
}

export type DatabaseConnection = ReturnType<typeof createDatabase>;
