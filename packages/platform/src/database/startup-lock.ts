import type pg from 'pg';

/**
 * Runs start-up DDL of a service (beyond its migrations, e.g. a library's own setup) under the advisory lock its
 * migrations take, so replicas starting together on a fresh database do it one after the other.
 */
export async function withMigrationLock<Result>(
  pool: pg.Pool,
  schema: string,
  work: () => Promise<Result>,
): Promise<Result> {
  const client = await pool.connect();
  const lock = `migrate:${schema}`;
  try {
    // Another replica may take longer than a request's lock timeout over its start-up: waiting for it is the point.
    await client.query('set lock_timeout = 0');
    await client.query('select pg_advisory_lock(hashtext($1))', [lock]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [lock]);
    }
  } finally {
    await client.query('reset lock_timeout').catch(() => undefined);
    client.release();
  }
}
