import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDatabase, migrateSchema } from '@ecomm/platform';
import { useTestFixture } from '@ecomm/testing';
import { authService } from '../src/service.js';

const { schema, migrationsFolder } = authService.database!;

/** The auth migrations as they were before roles were stored: the journal's first two entries and their SQL. */
function migrationsBeforeRoles() {
  const folder = mkdtempSync(join(tmpdir(), 'auth-migrations-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  journal.entries = journal.entries.filter((entry) => entry.tag < '0002');
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) copyFileSync(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  return folder;
}

const connection = useTestFixture(
  async (database) => ({ url: database.urlFor('auth'), ...createDatabase({ url: database.urlFor('auth') }) }),
  (opened) => opened.close(),
);

test('an account made before roles were stored is a user after the migration, and a role is user or admin only', async () => {
  await migrateSchema({ url: connection.url, schema, migrationsFolder: migrationsBeforeRoles() });
  await connection.pool.query(`insert into auth.users (email, password_hash) values ('listed@example.com', 'x')`);

  await migrateSchema({ url: connection.url, schema, migrationsFolder });
  const { rows } = await connection.pool.query(`select role from auth.users where email = 'listed@example.com'`);
  assert.deepEqual(rows, [{ role: 'user' }]);
  await assert.rejects(
    connection.pool.query(`update auth.users set role = 'root'`),
    (error: { code?: string }) => error.code === '23514',
  );
});

test('two replicas starting together on accounts made before roles migrate once, both starting', async () => {
  await connection.pool.query('drop table if exists auth.users, auth.rate_limit_counters, auth.migrations');
  await migrateSchema({ url: connection.url, schema, migrationsFolder: migrationsBeforeRoles() });
  await connection.pool.query(`insert into auth.users (email, password_hash) values ('early@example.com', 'x')`);

  // A reader holds the table, so both replicas are past their start and waiting when it lets go: together.
  const reader = await connection.pool.connect();
  await reader.query('begin; lock table auth.users in access share mode');
  const starting = Promise.all([1, 2].map(() => migrateSchema({ url: connection.url, schema, migrationsFolder })));
  const waiting = async () =>
    (
      await connection.pool.query(
        `select count(*)::int as count from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
      )
    ).rows[0].count as number;
  while ((await waiting()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  await reader.query('commit');
  reader.release();
  await starting;

  const { rows } = await connection.pool.query(`select email, role from auth.users`);
  assert.deepEqual(rows, [{ email: 'early@example.com', role: 'user' }]);
  const applied = await connection.pool.query(`select count(*)::int as count from auth.migrations`);
  assert.equal(applied.rows[0].count, 3);
});
