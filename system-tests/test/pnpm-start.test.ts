import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { after, test } from 'node:test';
import { createShopClient, demoCatalog, serviceCatalog, workspaceRoot } from '@ecomm/cluster';
import {
  freePortRange,
  killLaunchers,
  postmasterPid,
  processGroup,
  readStatus,
  startLauncher,
  stillRunning,
  type Launcher,
} from './start-launcher.js';

// `pnpm start` itself, end to end: its real command line, bundles and embedded PostgreSQL, on its own data folder
// (CLUSTER_DATA_DIR) and ports, never the developer's .data or 8000-8005. The bundles and web/dist it builds are the
// workspace's, as `pnpm start` would build them: a later start reuses them.
const root = workspaceRoot();
const dotEnv = existsSync(join(root, '.env')) ? parseEnv(readFileSync(join(root, '.env'), 'utf8')) : {};
const skip =
  process.platform !== 'linux'
    ? 'reads the processes left from /proc'
    : dotEnv.DATABASE_URL
      ? 'the workspace .env sets DATABASE_URL: pnpm start would use that database'
      : false;

const folders: string[] = [];
after(() => {
  killLaunchers();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const internalApiKey = randomBytes(24).toString('hex');
/** A test cluster's settings: its own folder and ports, secrets in the environment (no .env.local written). */
async function clusterSettings() {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'pnpm-start-'));
  folders.push(dataDirectory);
  // As root, PostgreSQL runs as the `postgres` user, who must reach the data folder inside it.
  chmodSync(dataDirectory, 0o755);
  const base = await freePortRange(7);
  return {
    CLUSTER_DATA_DIR: dataDirectory,
    CLUSTER_BASE_PORT: String(base),
    EMBEDDED_POSTGRES_PORT: String(base + 6),
    INTERNAL_API_KEY: internalApiKey,
    JWT_SECRET: randomBytes(32).toString('hex'),
    POSTGRES_PASSWORD: randomBytes(16).toString('hex'),
    DATABASE_ROLE_SECRET: randomBytes(16).toString('hex'),
    LLM_PROVIDER: 'offline',
    LOG_LEVEL: 'warn',
  };
}

/** Ctrl-C (SIGINT to the launcher alone: it must stop its children itself) and what must be gone after it. */
async function interrupt(launcher: Launcher, dataDirectory: string, pids: number[]) {
  launcher.child.kill('SIGINT');
  const { code } = await launcher.exited;
  assert.equal(code, 0, launcher.output());
  assert.deepEqual(stillRunning(pids), [], 'every service and PostgreSQL stopped');
  assert.deepEqual(processGroup(launcher), [], 'nothing the launcher started is left');
  assert.ok(!existsSync(join(dataDirectory, 'cluster.json')), 'the status file is removed');
  assert.ok(!existsSync(join(dataDirectory, 'cluster.lock')), 'the lock is released');
  assert.doesNotMatch(launcher.stderr(), /^\s+at /m, 'no stack trace');
}

const ready = /Press Ctrl-C to stop\./;
const clusterPids = (dataDirectory: string) => [
  ...Object.values(readStatus(dataDirectory).servicePids ?? {}),
  postmasterPid(dataDirectory),
];

let seededSettings: Awaited<ReturnType<typeof clusterSettings>>;

test(
  'pnpm start serves the shop: every service ready, the web page, a chat turn; Ctrl-C stops all of it',
  { skip, timeout: 400_000 },
  async () => {
    const settings = (seededSettings = await clusterSettings());
    const launcher = startLauncher(settings);
    await launcher.printed(ready);
    const status = readStatus(settings.CLUSTER_DATA_DIR);
    const pids = clusterPids(settings.CLUSTER_DATA_DIR);
    assert.equal(pids.length, serviceCatalog.length + 1);
    for (const { name } of serviceCatalog) {
      const response = await fetch(`http://127.0.0.1:${status.ports[name]}/ready`);
      assert.equal(response.status, 200, `${name} /ready`);
    }
    const page = await fetch(`http://127.0.0.1:${status.ports.orchestrator}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);

    const url = (port: number) => `http://127.0.0.1:${port}`;
    const { ports } = status;
    const shop = createShopClient({
      urls: {
        orchestrator: url(ports.orchestrator),
        product: url(ports.product),
        order: url(ports.order),
        payment: url(ports.payment),
        session: url(ports.session),
        auth: url(ports.auth),
      },
      internalApiKey,
    });
    const { token } = await shop.register('ada@example.com', 'correct-horse-battery');
    const reply = await shop.chat(token, 'start-e2e', 'show me products');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(
      reply.body.steps.map((step) => step.tool),
      ['search_products'],
    );
    const demoNames = demoCatalog().map((product) => product.name);
    assert.ok(
      demoNames.some((name) => reply.body.response.includes(name)),
      `the answer names seeded products: ${reply.body.response}`,
    );

    const second = startLauncher(settings);
    assert.equal((await second.exited).code, 1);
    assert.match(second.output(), /The cluster is already running \(pid \d+\)/);

    await interrupt(launcher, settings.CLUSTER_DATA_DIR, pids);
  },
);

/** A process's command line; empty once it is gone (it may exit between being listed and being read). */
function commandLineOf(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** The services of a launcher's process group still running (PostgreSQL's processes are not among them). */
const servicesOf = (launcher: Launcher) =>
  processGroup(launcher).filter((pid) => commandLineOf(pid).includes('services/'));

async function untilNoServicesOf(launcher: Launcher) {
  for (let waited = 0; servicesOf(launcher).length > 0; waited += 100) {
    assert.ok(waited < 30_000, `services still running 30 s after their launcher was killed: ${servicesOf(launcher)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(
  'a SIGTERM to `pnpm start` alone (a process manager stopping it) stops the launcher, its services and PostgreSQL',
  { skip, timeout: 300_000 },
  async () => {
    const settings = await clusterSettings();
    const launcher = startLauncher(settings, { throughPnpm: true });
    await launcher.printed(ready);
    const pids = clusterPids(settings.CLUSTER_DATA_DIR);
    launcher.child.kill('SIGTERM');
    await launcher.exited;
    for (let waited = 0; processGroup(launcher).length > 0; waited += 100) {
      assert.ok(waited < 30_000, `still running 30 s after pnpm's SIGTERM: ${processGroup(launcher)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(stillRunning(pids), []);
    assert.ok(!existsSync(join(settings.CLUSTER_DATA_DIR, 'cluster.lock')), 'the lock is released');
  },
);

test(
  'a launcher killed with -9 takes its services with it; the next start stops the PostgreSQL it left, then starts',
  { skip, timeout: 300_000 },
  async () => {
    const settings = seededSettings;
    const killed = startLauncher(settings);
    await killed.printed(ready);
    const services = Object.values(readStatus(settings.CLUSTER_DATA_DIR).servicePids ?? {});
    assert.equal(services.length, serviceCatalog.length);
    const postgres = postmasterPid(settings.CLUSTER_DATA_DIR);
    killed.child.kill('SIGKILL');
    await killed.exited;
    // Each service's stdin was a pipe the launcher held: it closed with the launcher, and the services stopped.
    await untilNoServicesOf(killed);
    assert.deepEqual(stillRunning(services), []);
    assert.deepEqual(stillRunning([postgres]), [postgres], 'PostgreSQL, no service of ours, is still running');

    const next = startLauncher(settings);
    await next.printed(ready);
    assert.doesNotMatch(next.output(), /Stopping the services a killed launcher left running/);
    assert.match(next.output(), /Stopped the PostgreSQL a killed launcher left running/);
    assert.deepEqual(stillRunning([postgres]), []);
    assert.deepEqual(processGroup(killed), [], 'nothing of the killed launcher is left');

    // Killed while its services start, before any status file names them: they stop all the same.
    const nextPids = clusterPids(settings.CLUSTER_DATA_DIR);
    next.child.kill('SIGINT');
    await next.exited;
    assert.deepEqual(stillRunning(nextPids), []);
    const starting = startLauncher(settings);
    await starting.printed(/Starting the six services/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    starting.child.kill('SIGKILL');
    await starting.exited;
    await untilNoServicesOf(starting);
    const again = startLauncher(settings);
    await again.printed(ready);
    assert.match(again.output(), /Stopped the PostgreSQL a killed launcher left running/);
    assert.deepEqual(processGroup(starting), [], 'nothing of the launcher killed while starting is left');
    await interrupt(again, settings.CLUSTER_DATA_DIR, clusterPids(settings.CLUSTER_DATA_DIR));
  },
);

test(
  'Ctrl-C while PostgreSQL starts, while the services start, and while the catalog is seeded, stops cleanly',
  { skip, timeout: 300_000 },
  async () => {
    const settings = await clusterSettings();
    const dataDirectory = settings.CLUSTER_DATA_DIR;
    // A new data folder: PostgreSQL's initdb takes seconds, during which the signal arrives.
    const starting = startLauncher(settings);
    await starting.printed(/Starting the embedded PostgreSQL/);
    await interrupt(starting, dataDirectory, []);
    assert.match(starting.output(), /Stopping the cluster \(it was starting PostgreSQL\)/);
    assert.ok(!existsSync(join(dataDirectory, 'postgres', 'postmaster.pid')), 'PostgreSQL stopped');

    // PostgreSQL's data is there now, and nothing else: the services start (and migrate) for seconds.
    const launching = startLauncher(settings);
    await launching.printed(/Starting the six services/);
    await interrupt(launching, dataDirectory, []);
    assert.match(launching.output(), /Stopping the cluster \(it was starting the services\)/);

    // The catalog is still empty. The product service is paused as seeding begins, so the signal lands mid-seeding;
    // should this test hear the line only after the whole (sub-second) seeding, it tries again on a new data folder.
    for (let attempt = 1; ; attempt++) {
      const folder = attempt === 1 ? dataDirectory : (await clusterSettings()).CLUSTER_DATA_DIR;
      const seeding = startLauncher({ ...settings, CLUSTER_DATA_DIR: folder });
      await seeding.printed(/Seeding the empty catalog/);
      const pids = clusterPids(folder);
      const product = readStatus(folder).servicePids!.product!;
      process.kill(product, 'SIGSTOP');
      seeding.child.kill('SIGINT');
      process.kill(product, 'SIGCONT');
      await interrupt(seeding, folder, pids);
      if (/seeded \d+ demo products/.test(seeding.output()) && attempt < 3) continue;
      assert.match(seeding.output(), /Stopping the cluster \(it was seeding the demo catalog\)/);
      assert.doesNotMatch(seeding.output(), /seeded \d+ demo products/);
      break;
    }
  },
);

test(
  'Ctrl-C while a fresh clone builds and PostgreSQL starts beside the build stops both: no server is left behind',
  { skip, timeout: 300_000 },
  async () => {
    const settings = await clusterSettings();
    // Sources newer than what was built, as on a fresh clone: the web app and every service are built again, and
    // Ctrl-C stops the web build at once, while PostgreSQL's first start (initdb) is still going.
    const now = new Date();
    for (const source of ['web/index.html', 'packages/platform/src/errors.ts'])
      utimesSync(join(root, source), now, now);
    const starting = startLauncher(settings);
    await starting.printed(/Starting the embedded PostgreSQL/);
    assert.match(starting.output(), /Building the web app/);
    await interrupt(starting, settings.CLUSTER_DATA_DIR, []);
    assert.match(
      starting.output(),
      /Stopping the cluster \(it was building the web app, bundling the services and starting PostgreSQL\)/,
    );
    assert.ok(!existsSync(join(settings.CLUSTER_DATA_DIR, 'postgres', 'postmaster.pid')), 'PostgreSQL stopped');
  },
);

test(
  'a stop while the server of DATABASE_URL accepts connections and never answers ends the start at once',
  { skip, timeout: 120_000 },
  async () => {
    const settings = await clusterSettings();
    const sockets: Socket[] = [];
    let connected: () => void;
    const firstConnection = new Promise<void>((resolve) => (connected = resolve));
    const silent = createServer((socket) => {
      sockets.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const starting = startLauncher({
        ...settings,
        DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/shop`,
      });
      await Promise.race([
        firstConnection,
        starting.exited.then(() => assert.fail(`the launcher exited before it connected:\n${starting.output()}`)),
      ]);
      const stoppedAt = Date.now();
      await interrupt(starting, settings.CLUSTER_DATA_DIR, []);
      assert.ok(Date.now() - stoppedAt < 15_000, `the stop took ${Date.now() - stoppedAt} ms`);
      assert.match(starting.output(), /Stopping the cluster \(it was [^)]*preparing the database\)/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  },
);
