import { createServer } from 'node:net';
import { join } from 'node:path';
import { acquireClusterLock } from './cluster-lock.js';
import { clusterDataDirectory, removeClusterStatus, writeClusterStatus } from './cluster-status.js';
import { seedDemoCatalogIfEmpty } from './demo-seed.js';
import { loadDevEnvironment, rolePasswords } from './dev-environment.js';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from './embedded-postgres.js';
import { launchServices, stopServices, type RunningService, type ServiceRuntime } from './launch.js';
import { stopLeftoverCluster } from './leftover-cluster.js';
import { formatLogLine } from './log-format.js';
import { abandonedAtAbort } from './processes.js';
import { buildDist, ensureServiceBundles } from './service-bundle.js';
import { ensureWebBuild } from './web-build.js';
import { ensureServiceRoles, ensureServiceSchemas, serviceDatabaseUrls } from './provision.js';
import { serviceCatalog, servicePorts, serviceUrlVariable } from './service-catalog.js';
import { startBanner } from './start-banner.js';
import { workspaceRoot } from './workspace-root.js';

const root = workspaceRoot();
const environment = loadDevEnvironment(root);
const dataDirectory = clusterDataDirectory(root, environment);
const postgresDataDirectory = join(dataDirectory, 'postgres');

// embedded-postgres (through async-exit-hook) stops PostgreSQL and exits on these signals by itself, racing the
// launcher's own order (the services, then PostgreSQL, then the status file and the lock): the launcher takes them.
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
for (const signal of stopSignals) process.removeAllListeners(signal);

const lock = acquireClusterLock(join(dataDirectory, 'cluster.lock'));
if ('heldBy' in lock) {
  console.error(
    `\nThe cluster is already running (pid ${lock.heldBy}). Use it, or stop it with Ctrl-C in its terminal first.\n`,
  );
  process.exit(1);
}
const releaseLock = lock.release;

function portIsFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, () => probe.close(() => resolve(true)));
  });
}

/** Aborted by Ctrl-C (or SIGTERM, SIGHUP) at any point of the start: each phase stops at its next step. */
const shutdown = new AbortController();
let running: RunningService[] = [];
let databaseStarted = false;
/**
 * What the start is doing (two things at once while it builds): the line that says it was stopped names it, and a stop
 * waits for all of it to end, so that nothing it started (PostgreSQL's first start, esbuild) outlives the launcher.
 */
const activities = new Map<string, Promise<unknown>>();
let started = false;
function doing<Result>(activity: string, work: () => Promise<Result>) {
  // One that failed stays named: the stop it causes says what the start was doing.
  const running = work().then((result) => {
    activities.delete(activity);
    return result;
  });
  activities.set(activity, running);
  return running;
}

// CLUSTER_BASE_PORT=9000 puts the services on 9000-9005, next to a cluster on the usual 8000-8005.
const ports = servicePorts(Number(environment.CLUSTER_BASE_PORT ?? 8000));
const serviceUrls = Object.fromEntries(
  serviceCatalog.map(({ name }) => [serviceUrlVariable(name), `http://127.0.0.1:${ports[name]}`]),
);
const { signal } = shutdown;

/** The embedded PostgreSQL, started here unless DATABASE_URL names a server of the developer's own. */
async function startDatabase() {
  if (environment.DATABASE_URL) {
    const adminUrl = environment.DATABASE_URL;
    return { adminUrl, databaseName: new URL(adminUrl).pathname.slice(1) || 'postgres', postgresPort: undefined };
  }
  const postgresPort = Number(environment.EMBEDDED_POSTGRES_PORT ?? 54329);
  console.log(`Starting the embedded PostgreSQL on port ${postgresPort} (data in ${postgresDataDirectory})...`);
  databaseStarted = true;
  const database = await startEmbeddedPostgres({
    dataDirectory: postgresDataDirectory,
    port: postgresPort,
    password: environment.POSTGRES_PASSWORD!,
    persistent: true,
    // Six pools of DATABASE_POOL_MAX (10) connections, pnpm bench's pgbench clients, and room for psql.
    maxConnections: 100,
  }).catch((error: unknown) => {
    signal.throwIfAborted();
    throw error instanceof Error ? error : new Error(`The embedded PostgreSQL did not start on port ${postgresPort}`);
  });
  return { adminUrl: database.adminUrl, databaseName: 'ecommerce', postgresPort };
}

async function startCluster() {
  await stopLeftoverCluster(dataDirectory, postgresDataDirectory);
  for (const { name } of serviceCatalog) {
    if (!(await portIsFree(ports[name]))) {
      throw new Error(
        `Port ${ports[name]}, needed by the ${name} service, is in use by another program. ` +
          `Free it (or set CLUSTER_BASE_PORT) and run pnpm start again.`,
      );
    }
  }
  // Tracing hooks the `require` of the packages it instruments, which a bundle never calls: with it on, dist runs as is.
  const runtime: ServiceRuntime = environment.OTEL_EXPORTER_OTLP_ENDPOINT ? 'compiled' : 'bundled';
  // The services get their own database role only: never the superuser's password or the secret the roles derive from.
  const { POSTGRES_PASSWORD: _superuser, DATABASE_ROLE_SECRET: _roleSecret, ...serviceEnvironment } = environment;
  const passwordFor = rolePasswords(environment.DATABASE_ROLE_SECRET!);
  // The database needs nothing that is built: on a fresh clone PostgreSQL's first start (initdb) and the services'
  // roles and schemas are made while the bundles are.
  const [webDist, , { adminUrl, databaseName, postgresPort }] = await Promise.all([
    doing('building the web app', () => ensureWebBuild(root, signal)),
    doing('bundling the services', (): Promise<unknown> =>
      runtime === 'bundled' ? ensureServiceBundles(root, signal) : buildDist(root, signal),
    ),
    doing(environment.DATABASE_URL ? 'preparing the database' : 'starting PostgreSQL', async () => {
      const database = await startDatabase();
      signal.throwIfAborted();
      // A server of DATABASE_URL that does not answer would hold a stop for ever.
      await abandonedAtAbort(
        ensureServiceRoles(database.adminUrl, passwordFor).then(() =>
          ensureServiceSchemas(database.adminUrl, database.databaseName),
        ),
        signal,
      );
      return database;
    }),
  ]);
  signal.throwIfAborted();
  const databaseUrls = serviceDatabaseUrls(adminUrl, databaseName, passwordFor);

  console.log('Starting the six services...');
  running = await doing('starting the services', () =>
    launchServices({
      root,
      runtime,
      signal,
      environmentFor: (name) => ({
        // A laptop's services stay on loopback unless HOST says otherwise.
        HOST: '127.0.0.1',
        ...serviceEnvironment,
        ...serviceUrls,
        PORT: String(ports[name]),
        DATABASE_URL: databaseUrls[name],
        ...(name === 'orchestrator' ? { WEB_DIST_DIR: webDist } : {}),
      }),
      onOutput: (name, line) => console.log(formatLogLine(name, line)),
    }).catch((error: Error) => {
      throw signal.aborted ? error : new Error(`${error.message}. See its output above.`);
    }),
  );
  const servicePids = Object.fromEntries(running.map((service) => [service.name, service.process.pid]));
  writeClusterStatus(dataDirectory, { pid: process.pid, ports, servicePids, postgresPort, readyAt: Date.now() });
  for (const service of running) {
    service.process.once('exit', (code) => {
      void stopEverything(1, `The ${service.name} service stopped unexpectedly (exit code ${code}).`);
    });
  }

  if (environment.DEMO_CATALOG !== 'off') {
    const seeded = await doing('seeding the demo catalog', () =>
      seedDemoCatalogIfEmpty(
        { url: serviceUrls.PRODUCT_SERVICE_URL!, internalApiKey: environment.INTERNAL_API_KEY!, signal },
        (count) => console.log(`Seeding the empty catalog with ${count} demo products...`),
      ),
    );
    if (seeded)
      console.log(`The catalog was empty: seeded ${seeded.created} demo products (DEMO_CATALOG=off skips this).`);
  }
  started = true;
}

const startup = startCluster();
let stopping = false;

/**
 * The one way out once the lock is held, whatever the start was doing: it stops at its next step, then the services,
 * PostgreSQL, the status file and the lock go, in that order. Ctrl-C exits 0; a failure prints one line and exits 1.
 */
async function stopEverything(exitCode: number, reason?: string) {
  if (stopping) return;
  stopping = true;
  if (reason) console.error(`\n${reason}`);
  const under = [...activities.keys()];
  const phase = under.length > 1 ? `${under.slice(0, -1).join(', ')} and ${under.at(-1)}` : (under[0] ?? 'starting');
  console.log(started ? '\nStopping the cluster...' : `\nStopping the cluster (it was ${phase})...`);
  shutdown.abort();
  await startup.catch(() => undefined);
  // The start failed at what ended first: what ran beside it is still to end (the web build and the bundling stop at
  // the signal, the database's preparation is abandoned).
  await Promise.allSettled(activities.values());
  await stopServices(running);
  if (databaseStarted) await stopEmbeddedPostgres(postgresDataDirectory);
  removeClusterStatus(dataDirectory);
  releaseLock();
  process.exit(exitCode);
}
for (const name of stopSignals) process.on(name, () => void stopEverything(0));

try {
  await startup;
  console.log(startBanner(ports, environment));
} catch (error) {
  if (!signal.aborted) await stopEverything(1, error instanceof Error ? error.message : String(error));
}
