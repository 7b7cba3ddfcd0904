import pg from 'pg';
import { roleName, serviceCatalog } from './service-catalog.js';

function withDatabase(url: string, database: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function withCredentials(url: string, user: string, password: string) {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>) {
  // A server that accepts connections and never answers would otherwise hold the start for ever.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates or updates one login role per service (roles are cluster-wide, shared by every database). */
export async function ensureServiceRoles(adminUrl: string, passwordFor: (role: string) => string) {
  await withClient(adminUrl, async (client) => {
    for (const { schema } of serviceCatalog) {
      const role = roleName(schema);
      const password = client.escapeLiteral(passwordFor(role));
      const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
      const verb = rowCount ? 'alter' : 'create';
      await client.query(`${verb} role ${client.escapeIdentifier(role)} with login password ${password}`);
    }
  });
}

/**
 * Creates the database if needed and one schema per service owned by that service's role, with
 * nothing granted to anyone else: a service's role cannot read another service's tables.
 */
export async function ensureServiceSchemas(adminUrl: string, database: string) {
  const created = await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
    return !rowCount;
  });
  await withClient(withDatabase(adminUrl, database), async (client) => {
    const quotedDatabase = client.escapeIdentifier(database);
    // Only in a database made here: an existing one (your DATABASE_URL) may have other users of its public schema.
    if (created) {
      await client.query(`revoke create, temporary on database ${quotedDatabase} from public`);
      await client.query('revoke all on schema public from public');
    }
    for (const { schema } of serviceCatalog) {
      const role = client.escapeIdentifier(roleName(schema));
      // CREATE on the database is needed because `create schema if not exists` (run by the migrator)
      // checks it even when the schema exists; it grants nothing on other services' schemas.
      await client.query(`grant connect, create on database ${quotedDatabase} to ${role}`);
      await client.query(`create schema if not exists ${client.escapeIdentifier(schema)} authorization ${role}`);
    }
  });
}

/** The connection URL each service uses: its own role, the shared database. */
export function serviceDatabaseUrls(adminUrl: string, database: string, passwordFor: (role: string) => string) {
  const databaseUrl = withDatabase(adminUrl, database);
  return Object.fromEntries(
    serviceCatalog.map(({ name, schema }) => {
      const role = roleName(schema);
      return [name, withCredentials(databaseUrl, role, passwordFor(role))];
    }),
  ) as Record<(typeof serviceCatalog)[number]['name'], string>;
}
