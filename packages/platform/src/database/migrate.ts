import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export interface MigrationSettings {
  url: string;
  /** The service's own PostgreSQL schema; its migration ledger lives there too. */
  schema: string;
  migrationsFolder: string;
}

/**
 * Applies a service's checked-in migrations with a ledger in its own schema (drizzle's default
 * ledger would be one table shared by all six). An advisory lock lets replicas start together.
 */
export async function migrateSchema(settings: MigrationSettings) {
  const lockClient = new pg.Client({ connectionString: settings.url });
  const pool = new pg.Pool({ connectionString: settings.url, max: 1 });
  await lockClient.connect();
  try {
    await lockClient.query('select pg_advisory_lock(hashtext($1))', [`migrate:${settings.schema}`]);
    await migrate(drizzle({ client: pool }), {
      migrationsFolder: settings.migrationsFolder,
      migrationsSchema: settings.schema,
      migrationsTable: 'migrations',
    });
  } finally {
    await lockClient.end();
    await pool.end();
  }
}
