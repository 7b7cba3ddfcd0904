import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { roleName } from '@ecomm/cluster';
import { useTestDatabase, useTestFixture } from '@ecomm/testing';
import { renderKustomization } from './kubernetes-sources.js';

// The CloudNativePG Cluster's bootstrap SQL, run for real: it must leave the same schemas, owners and
// privileges as `pnpm start`'s provisioning (and so deploy/postgres/init.sql, which postgres-init.test.ts compares).

const cluster = renderKustomization('deploy/k8s/overlays/dev').find((object) => object.kind === 'Cluster')!;
const bootstrap = cluster.spec.bootstrap.initdb as { database: string; postInitApplicationSQL: string[] };
const rolePassword = process.env.TEST_ROLE_PASSWORD ?? '';

const provisioned = useTestDatabase();
let bootstrappedUrl: string;

async function query<Row>(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string, user?: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (user) {
    parsed.username = user;
    parsed.password = rolePassword;
  }
  return parsed.toString();
}

/** Schemas with their owners and privileges, and the database's privileges, comparable across databases. */
async function accessRules(url: string) {
  const schemas = await query<{ name: string; owner: string; acl: string[] | null }>(
    url,
    `select nspname as name, pg_get_userbyid(nspowner) as owner, nspacl::text[] as acl
     from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by nspname`,
  );
  const [database] = await query<{ acl: string[] | null }>(
    url,
    'select datacl::text[] as acl from pg_database where datname = current_database()',
  );
  return {
    schemas: schemas.map((schema) => ({ ...schema, acl: (schema.acl ?? []).toSorted() })),
    database: (database!.acl ?? []).toSorted(),
  };
}

useTestFixture(
  async () => {
    const name = `cnpg_${randomBytes(6).toString('hex')}`;
    await query(provisioned.adminUrl, `create database ${name}`);
    bootstrappedUrl = withDatabase(provisioned.adminUrl, name);
    // As the operator runs them after initdb: each statement, as the superuser, in the application database.
    const statements = bootstrap.postInitApplicationSQL.map((statement) =>
      statement.replaceAll(` database ${bootstrap.database} `, ` database ${name} `),
    );
    assert.ok(
      statements.filter((statement) => statement.includes(` database ${name} `)).length > 6,
      'the grants name the database',
    );
    for (const statement of statements) await query(bootstrappedUrl, statement);
  },
  async () => {
    await query(
      provisioned.adminUrl,
      `drop database if exists ${new URL(bootstrappedUrl).pathname.slice(1)} with (force)`,
    );
  },
  provisioned,
);

describe('the CloudNativePG bootstrap SQL (deploy/k8s/components/cloudnative-pg)', () => {
  test('sets up the schemas, owners and privileges that provisioning sets up', async () => {
    assert.deepEqual(await accessRules(bootstrappedUrl), await accessRules(provisioned.adminUrl));
  });

  test('a service role can create tables in its own schema only', async () => {
    const database = new URL(bootstrappedUrl).pathname.slice(1);
    const asProduct = withDatabase(provisioned.adminUrl, database, roleName('product'));
    await query(asProduct, 'create table product.probe (id int)');
    await assert.rejects(query(asProduct, 'create table orders.probe (id int)'), /permission denied for schema orders/);
    await assert.rejects(query(asProduct, 'create table public.probe (id int)'), /permission denied for schema public/);
  });
});
