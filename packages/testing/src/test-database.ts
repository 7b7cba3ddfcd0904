import { randomBytes } from 'node:crypto';
import { ensureServiceSchemas, serviceDatabaseUrls, type ServiceName } from '@ecomm/cluster';
import pg from 'pg';

export interface TestDatabase {
  name: string;
  adminUrl: string;
  /** The URL a service connects with: its own role, this database. */
  urlFor: (service: ServiceName) => string;
  drop: () => Promise<void>;
}

function requiredEnvironment(name: string) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`pnpm test\`, which starts PostgreSQL.`);
  return value;
}

/** A fresh database per test file, with every service's schema and role, so files run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = requiredEnvironment('TEST_ADMIN_DATABASE_URL');
  const password = requiredEnvironment('TEST_ROLE_PASSWORD');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await ensureServiceSchemas(serverUrl, name);
  const urls = serviceDatabaseUrls(serverUrl, name, () => password);
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = `/${name}`;
  return {
    name,
    adminUrl: adminUrl.toString(),
    urlFor: (service) => urls[service],
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
      await client.end();
    },
  };
}
