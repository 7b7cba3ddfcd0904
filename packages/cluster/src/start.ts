import { createServer } from 'node:net';
import { join } from 'node:path';
import { acquireClusterLock } from './cluster-lock.js';
import { removeClusterStatus, writeClusterStatus } from './cluster-status.js';
import { seedDemoCatalogIfEmpty } from './demo-seed.js';
import { loadDevEnvironment, rolePasswords } from './dev-environment.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { launchServices, stopServices, type RunningService, type ServiceRuntime } from './launch.js';
import { formatLogLine } from './log-format.js';
import { buildDist, ensureServiceBundles } from './service-bundle.js';
import { ensureWebBuild } from './web-build.js';
import { ensureServiceRoles, ensureServiceSchemas, serviceDatabaseUrls } from './provision.js';
import { serviceCatalog, servicePorts, serviceUrlVariable } from './service-catalog.js';
import { workspaceRoot } from './workspace-root.js';

const root = workspaceRoot();

function portIsFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, () => probe.close(() => resolve(true)));
  });
}

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

const lock = acquireClusterLock(join(root, '.data', 'cluster.lock'));
if ('heldBy' in lock) {
  fail(`The cluster is already running (pid ${lock.heldBy}). Use it, or stop it with Ctrl-C in its terminal first.`);
}
const releaseLock = () => {
  removeClusterStatus(root);
  lock.release();
};
const environment = loadDevEnvironment(root);
// CLUSTER_BASE_PORT=9000 puts the services on 9000-9005, next to a cluster on the usual 8000-8005.
const ports = servicePorts(Number(environment.CLUSTER_BASE_PORT ?? 8000));
for (const { name } of serviceCatalog) {
  if (!(await portIsFree(ports[name]))) {
    releaseLock();
    fail(
      `Port ${ports[name]}, needed by the ${name} service, is in use by another program. ` +
        `Free it (or set CLUSTER_BASE_PORT) and run pnpm start again.`,
    );
  }
}

// Tracing hooks the `require` of the packages it instruments, which a bundle never calls: with it on, dist runs as is.
const runtime: ServiceRuntime = environment.OTEL_EXPORTER_OTLP_ENDPOINT ? 'compiled' : 'bundled';
let webDist: string;
try {
  [webDist] = await Promise.all([
    ensureWebBuild(root),
    runtime === 'bundled' ? ensureServiceBundles(root) : Promise.resolve().then(() => buildDist(root)),
  ]);
} catch (error) {
  releaseLock();
  fail((error as Error).message);
}
// The services get their own database role only: never the superuser's password or the secret the roles derive from.
const { POSTGRES_PASSWORD: _superuser, DATABASE_ROLE_SECRET: _roleSecret, ...serviceEnvironment } = environment;
const passwordFor = rolePasswords(environment.DATABASE_ROLE_SECRET!);
let stopDatabase = async () => {};
let adminUrl = environment.DATABASE_URL;
let databaseName = adminUrl ? new URL(adminUrl).pathname.slice(1) || 'postgres' : 'ecommerce';
let postgresPort: number | undefined;
if (!adminUrl) {
  const port = Number(environment.EMBEDDED_POSTGRES_PORT ?? 54329);
  postgresPort = port;
  console.log(`Starting the embedded PostgreSQL on port ${port} (data in .data/postgres)...`);
  const database = await startEmbeddedPostgres({
    dataDirectory: join(root, '.data', 'postgres'),
    port,
    password: environment.POSTGRES_PASSWORD!,
    persistent: true,
    // Six pools of DATABASE_POOL_MAX (10) connections, pnpm bench's pgbench clients, and room for psql.
    maxConnections: 100,
  });
  adminUrl = database.adminUrl;
  databaseName = 'ecommerce';
  stopDatabase = database.stop;
}

await ensureServiceRoles(adminUrl, passwordFor);
await ensureServiceSchemas(adminUrl, databaseName);
const databaseUrls = serviceDatabaseUrls(adminUrl, databaseName, passwordFor);
const serviceUrls = Object.fromEntries(
  serviceCatalog.map(({ name }) => [serviceUrlVariable(name), `http://127.0.0.1:${ports[name]}`]),
);

let running: RunningService[] = [];
let stopping = false;
async function stopEverything(exitCode: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the cluster...');
  await stopServices(running);
  await stopDatabase();
  releaseLock();
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopEverything(0));
process.on('SIGTERM', () => void stopEverything(0));

console.log('Starting the six services...');
try {
  running = await launchServices({
    root,
    runtime,
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
  });
} catch (error) {
  console.error(`\n${(error as Error).message}. See its output above.`);
  await stopEverything(1);
}
writeClusterStatus(root, { pid: process.pid, ports, ...(postgresPort ? { postgresPort } : {}), readyAt: Date.now() });
for (const service of running) {
  service.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`\nThe ${service.name} service stopped unexpectedly (exit code ${code}).`);
      void stopEverything(1);
    }
  });
}

if (environment.DEMO_CATALOG !== 'off') {
  const seeded = await seedDemoCatalogIfEmpty({
    url: serviceUrls.PRODUCT_SERVICE_URL!,
    internalApiKey: environment.INTERNAL_API_KEY!,
  });
  if (seeded)
    console.log(`The catalog was empty: seeded ${seeded.created} demo products (DEMO_CATALOG=off skips this).`);
}

const modelInUse =
  environment.OPENAI_API_KEY || environment.OPENAI_BASE_URL
    ? 'the OpenAI-compatible model you configured'
    : 'the offline model (no LLM key set; see the README)';
console.log(`
Open the shop: http://localhost:${ports.orchestrator}/

The cluster is up:
${serviceCatalog.map(({ name }) => `  ${name.padEnd(13)} http://localhost:${ports[name]}`).join('\n')}
The agents use ${modelInUse}.

Try it in another terminal, from this folder:
  KEY=$(grep '^INTERNAL_API_KEY=' .env.local | cut -d= -f2)
  curl -s -X POST http://localhost:8005/auth/register -H 'Content-Type: application/json' \\
    -d '{"email": "ada@example.com", "password": "correct-horse-battery"}'
  TOKEN=$(curl -s -X POST http://localhost:8005/auth/login -H 'Content-Type: application/json' \\
    -d '{"email": "ada@example.com", "password": "correct-horse-battery"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -s -X POST http://localhost:8001/ -H 'Content-Type: application/json' -H "X-Internal-API-Key: $KEY" \\
    -d '{"name": "MacBook Pro", "price": 2000.0, "stock": 10}'
  curl -s -X POST http://localhost:8000/chat -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
    -d '{"session_id": "ada-1", "message": "Find a MacBook Pro and buy 1 unit."}'

Press Ctrl-C to stop.`);
