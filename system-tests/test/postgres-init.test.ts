import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { roleName, serviceCatalog } from '@ecomm/cluster';
import { useTestDatabase, useTestFixture } from '@ecomm/testing';
import { root } from './deployment-sources.js';

const run = promisify(execFile);
// The test runner created the service roles with this password; the script sets the same one again.
const rolePassword = process.env.TEST_ROLE_PASSWORD ?? '';

const provisioned = useTestDatabase();
let initialisedUrl: string;

/** Runs SQL with psql, as the postgres image runs the init script; returns what it printed. */
async function psql(url: string, argumentsAfterUrl: string[], environment: Record<string, string> = {}) {
  const { stdout } = await run(
    'psql',
    ['--no-psqlrc', '--quiet', '--tuples-only', '--no-align', '--set', 'ON_ERROR_STOP=1', url, ...argumentsAfterUrl],
    {
      env: { PATH: process.env.PATH ?? '', ...environment },
    },
  );
  return stdout.trim();
}

const sql = (url: string, text: string) => psql(url, ['--command', text]);

function withDatabase(url: string, database: string, user?: { name: string; password: string }) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (user) {
    parsed.username = user.name;
    parsed.password = user.password;
  }
  return parsed.toString();
}

/** Schemas, their owners and privileges, and the database's privileges, comparable across databases. */
async function accessRules(url: string) {
  const schemas = JSON.parse(
    await sql(
      url,
      `select json_agg(json_build_object('name', nspname, 'owner', pg_get_userbyid(nspowner), 'acl', nspacl::text[]) order by nspname)
       from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'`,
    ),
  ) as { name: string; owner: string; acl: string[] | null }[];
  const database = JSON.parse(
    await sql(url, 'select to_json(datacl::text[]) from pg_database where datname = current_database()'),
  ) as string[] | null;
  return {
    schemas: schemas.map((schema) => ({ ...schema, acl: (schema.acl ?? []).toSorted() })),
    database: (database ?? []).toSorted(),
  };
}

useTestFixture(
  async () => {
    // As `pnpm start` and the tests provision a database (packages/cluster/src/provision.ts)...
    // ...and as the postgres container's first start does, with deploy/postgres/init.sql.
    const name = `init_${randomBytes(6).toString('hex')}`;
    await sql(provisioned.adminUrl, `create database ${name}`);
    initialisedUrl = withDatabase(provisioned.adminUrl, name);
    const passwords = Object.fromEntries(
      serviceCatalog.map((service) => [`${service.name.toUpperCase()}_DB_PASSWORD`, rolePassword]),
    );
    await psql(initialisedUrl, ['--file', join(root, 'deploy/postgres/init.sql')], passwords);
  },
  async () => {
    await sql(
      provisioned.adminUrl,
      `drop database if exists ${new URL(initialisedUrl).pathname.slice(1)} with (force)`,
    );
  },
  provisioned,
);

describe('deploy/postgres/init.sql', () => {
  test('sets up the same schemas, owners and privileges as provision.ts', async () => {
    const expected = await accessRules(provisioned.adminUrl);
    assert.deepEqual(
      expected.schemas
        .map((schema) => schema.name)
        .filter((name) => name !== 'public')
        .toSorted(),
      serviceCatalog.map((service) => service.schema).toSorted(),
    );
    assert.deepEqual(await accessRules(initialisedUrl), expected);
  });

  test('a service role logs in with its password and can create tables in its own schema only', async () => {
    const database = new URL(initialisedUrl).pathname.slice(1);
    const asProduct = withDatabase(provisioned.adminUrl, database, {
      name: roleName('product'),
      password: rolePassword,
    });
    await sql(asProduct, 'create table product.probe (id int)');
    await assert.rejects(sql(asProduct, 'create table orders.probe (id int)'), /permission denied for schema orders/);
    await assert.rejects(sql(asProduct, 'create table public.probe (id int)'), /permission denied for schema public/);
  });
});
