import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchFail,
  connectToCluster,
  localSecret,
  positiveWholeNumber,
  targetOptions,
  targetUsage,
} from './bench-target.js';
import { describeCheckoutLoad, percentile, runCheckoutLoad } from './checkout-load.js';
import type { ShopClient } from './shop-client.js';
import { clusterDataDirectory, runningClusterStatus } from './cluster-status.js';
import { embeddedAdminUrl } from './embedded-postgres.js';
import { pgbenchMissing, pgbenchVersion, runPgbench } from './pgbench.js';
import { clusterCpuSecondsByPart, clusterMemory, clusterStartedAt } from './process-memory.js';
import { printTable } from './bench-table.js';
import { workspaceRoot } from './workspace-root.js';

const usage = `Measures every figure of the performance table against a running cluster (pnpm start): checkout throughput
and latency under load next to pgbench TPC-B on the same PostgreSQL, one user's checkout and chat latencies on the
offline model, the memory (PSS) of the cluster's processes and its start-up time. Prints the table, writes a JSON
report. It measures; it asserts nothing about time, but exits 1 when the checkout invariant breaks.

  pnpm bench [--users 32] [--duration 20] [--samples 100] [--warm-up 10] [--ramp-up 40] [--pgbench-clients 16]
             [--pgbench-seconds 10] [--pgbench-scale 16] [--skip-pgbench] [--report .data/bench/<time>.json] [--url ...]

One user's figures are measured twice: as a cluster just started meets them, then after a warm-up (--warm-up seconds
of checkouts by 8 users, and 100 chat turns of each kind) that lets V8 compile the hot paths; the targets
are read against the warm figures, as a cluster serving traffic runs. The load itself is timed after --ramp-up
seconds of checkouts by the same number of users: a cluster just started costs about half as much CPU again per
checkout in its first 20 s at 32 users as after 40 s of it (measured; every process, PostgreSQL included, gets
cheaper), so the ramp-up's own throughput is printed beside the warm one.

${targetUsage} pgbench connects as the superuser: to the embedded PostgreSQL with POSTGRES_PASSWORD from
.env.local, or to BENCH_ADMIN_DATABASE_URL. Memory and start-up time need the cluster's pid from .data/cluster.json
(a cluster started with pnpm start from this folder). Start the cluster with RATE_LIMIT_AUTH=1000/minute,
RATE_LIMIT_CHAT=1000/minute and RATE_LIMIT_CHECKOUT=100000/minute, or the rate limits are what gets measured.`;

const { values: options } = parseArgs({
  options: {
    users: { type: 'string', default: '32' },
    duration: { type: 'string', default: '20' },
    samples: { type: 'string', default: '100' },
    'warm-up': { type: 'string', default: '10' },
    'ramp-up': { type: 'string', default: '40' },
    'pgbench-clients': { type: 'string', default: '16' },
    'pgbench-seconds': { type: 'string', default: '10' },
    'pgbench-scale': { type: 'string', default: '16' },
    'skip-pgbench': { type: 'boolean', default: false },
    report: { type: 'string' },
    ...targetOptions,
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(usage);
  process.exit(0);
}
const positive = (name: keyof typeof options) => positiveWholeNumber(name, String(options[name]));

const root = workspaceRoot();
const status = runningClusterStatus(clusterDataDirectory(root));
const { urls, shop } = await connectToCluster(options);
const adminUrl =
  process.env.BENCH_ADMIN_DATABASE_URL ??
  (status?.postgresPort && localSecret('POSTGRES_PASSWORD')
    ? embeddedAdminUrl(localSecret('POSTGRES_PASSWORD')!, status.postgresPort)
    : undefined);
const pgbench = options['skip-pgbench'] ? undefined : await pgbenchVersion();
if (!options['skip-pgbench'] && !pgbench) benchFail(pgbenchMissing);
if (!options['skip-pgbench'] && !adminUrl)
  benchFail('No PostgreSQL to run pgbench against: set BENCH_ADMIN_DATABASE_URL, or use --skip-pgbench.');

// Memory first, while the cluster is idle; start-up from the status the launcher wrote when it was ready. The services'
// pools close a connection idle for 30 s, so right after a start the connections its start-up work opened are still
// there (about a dozen PostgreSQL processes): the idle figure waits for them to close, and that one is kept apart.
const settledAfterReadyMs = 35_000;
const justStartedMemory =
  status && Date.now() - status.readyAt < settledAfterReadyMs ? clusterMemory(status.pid) : undefined;
if (status && justStartedMemory) {
  const waitMs = status.readyAt + settledAfterReadyMs - Date.now();
  console.log(`Waiting ${Math.ceil(waitMs / 1000)} s for the connections the cluster's start opened to close...`);
  await sleep(waitMs);
}
const idleMemory = status ? clusterMemory(status.pid) : undefined;
const startedAt = status ? clusterStartedAt(status.pid) : undefined;
const startupSeconds = status && startedAt ? (status.readyAt - startedAt) / 1000 : undefined;

/** The CPU seconds of each part of the cluster so far: what a step cost, which a shared machine disturbs less. */
const cpuByPart = () => (status ? clusterCpuSecondsByPart(status.pid) : {});
const total = (seconds: Record<string, number>) =>
  status ? Object.values(seconds).reduce((sum, value) => sum + value, 0) : Number.NaN;
const cpu = () => total(cpuByPart());
/**
 * The bench's own users, metered beside the cluster but not part of it: they share its cores, so what they cost is
 * CPU the cluster did not get.
 */
const benchUsers = 'bench users';
const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
/** Milliseconds of CPU per completed checkout, in all and for each part of the cluster; the bench's users apart. */
function cpuPerCheckout(load: { metered: Record<string, number>; completed: number }) {
  const perCheckout = (seconds: number) => (seconds * 1000) / load.completed;
  const { [benchUsers]: benchSeconds, ...cluster } = load.metered;
  const byPart = Object.entries(cluster).sort(([, a], [, b]) => b - a);
  return {
    all: perCheckout(total(cluster)),
    byPart: Object.fromEntries(byPart.map(([part, seconds]) => [part, perCheckout(seconds)])),
    ...(benchSeconds === undefined ? {} : { benchUsers: perCheckout(benchSeconds) }),
  };
}

async function timed(samples: number, work: (index: number) => Promise<unknown>) {
  await work(-1); // the first call pays for lazy initialisation and connection set-up
  const latencies: number[] = [];
  const cpuBefore = cpu();
  for (let index = 0; index < samples; index++) {
    const begun = performance.now();
    await work(index);
    latencies.push(performance.now() - begun);
  }
  const cpuMs = ((cpu() - cpuBefore) * 1000) / samples;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), samples, cpuMs };
}

/** Two chat users of their own, so each measurement starts from an empty cart and a short conversation. */
async function chatLatencies(benchShopClient: ShopClient, samples: number) {
  const run = randomUUID().slice(0, 8);
  const product = `Benchwidget${run}`;
  await benchShopClient.createProduct({ name: product, price: 3.5, stock: 1_000_000, category: 'Benchmark' });
  const browsing = await benchShopClient.register(`bench-chat-${run}-a@example.com`, `bench-password-${run}`);
  const buying = await benchShopClient.register(`bench-chat-${run}-b@example.com`, `bench-password-${run}`);
  /** A chat turn that must be answered: a refusal would time the wrong thing. */
  async function chat(user: { token: string }, sessionId: string, message: string) {
    const reply = await benchShopClient.chat(user.token, sessionId, message);
    if (reply.status !== 200) throw new Error(`chat: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }
  const browse = await timed(samples, () => chat(browsing, `bench-chat-${run}-browse`, 'show me products'));
  const buy = await timed(samples, async (index) => {
    const reply = await chat(buying, `bench-chat-${run}-buy-${index + 1}`, `buy 1 ${product}`);
    if (reply.orders?.length !== 1) throw new Error(`"buy 1 ${product}" placed no order: ${reply.response}`);
  });
  return { browse, buy };
}

/** One user's checkout latency and CPU, then one user's chat turns of each kind. */
async function oneUserFigures(samples: number) {
  const checkout = await runCheckoutLoad(shop, {
    users: 1,
    checkouts: samples + 1,
    log: () => undefined,
    meter: cpuByPart,
  });
  const chat = await chatLatencies(shop, samples);
  return { checkout, chat };
}

console.log(
  `Benchmarking the cluster at ${urls.orchestrator} (${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB)`,
);
const samples = positive('samples');
// The first requests after a start, before V8 has compiled their paths: more would time the warm-up instead.
const freshSamples = Math.min(samples, 20);
// As many as V8 needs to compile the chat's paths, whatever the samples.
const warmUpChatTurns = 100;
console.log(
  `One user, as the cluster meets them after its start: ${freshSamples} checkouts, ${freshSamples} chat turns of each kind...`,
);
const fresh = await oneUserFigures(freshSamples);
console.log(
  `Warming up: ${positive('warm-up')} s of checkouts by 8 users, ${warmUpChatTurns} chat turns of each kind...`,
);
const warmUp = await runCheckoutLoad(shop, {
  users: 8,
  checkouts: Number.POSITIVE_INFINITY,
  durationSeconds: positive('warm-up'),
  log: () => undefined,
});
await chatLatencies(shop, warmUpChatTurns);
console.log(`One user, warm: ${samples} checkouts, ${samples} chat turns of each kind...`);
const { checkout: single, chat } = await oneUserFigures(samples);
let yardstick;
if (adminUrl && !options['skip-pgbench']) {
  console.log(
    `pgbench TPC-B, ${positive('pgbench-clients')} clients for ${positive('pgbench-seconds')} s (${pgbench})...`,
  );
  yardstick = await runPgbench(adminUrl, {
    clients: positive('pgbench-clients'),
    seconds: positive('pgbench-seconds'),
    scale: positive('pgbench-scale'),
  });
}
// At the load's own concurrency, before it is timed: the services' pools open the connections it needs (idle ones close
// after 30 s, and the phases above run one user at a time), PostgreSQL prepares its statements on them, and every
// process warms to the load (a third less CPU per checkout after 40 s of it than in its first 20 s, measured here).
console.log(`Ramping up: ${positive('ramp-up')} s of checkouts by ${positive('users')} users...`);
const rampUp = await runCheckoutLoad(shop, {
  users: positive('users'),
  checkouts: Number.POSITIVE_INFINITY,
  durationSeconds: positive('ramp-up'),
  log: () => undefined,
});
const load = await runCheckoutLoad(shop, {
  users: positive('users'),
  checkouts: Number.POSITIVE_INFINITY,
  durationSeconds: positive('duration'),
  meter: () => ({ ...cpuByPart(), [benchUsers]: ownCpuSeconds() }),
});
console.log(describeCheckoutLoad(load, urls.orchestrator));
const loadedMemory = status ? clusterMemory(status.pid) : undefined;

const report = {
  at: new Date().toISOString(),
  machine: { cores: availableParallelism(), memoryBytes: totalmem(), node: process.version },
  cluster: urls,
  checkoutLoad: {
    users: positive('users'),
    seconds: load.seconds,
    throughput: load.throughput,
    latency: load.latency,
    outcomes: Object.fromEntries(load.outcomes),
    // The cluster's CPU time per completed checkout, filling its cart included.
    cpuMsPerCheckout: cpuPerCheckout(load),
    /** The same load while the cluster warms to it, before it is timed. */
    rampUp: { seconds: rampUp.seconds, throughput: rampUp.throughput, latency: rampUp.latency },
  },
  pgbench: yardstick,
  oneUserCheckout: {
    ...single.latency,
    samples: single.attempts,
    cpuMsPerCheckout: cpuPerCheckout(single),
  },
  chat,
  /** The same, as a cluster just started meets them, before the warm-up. */
  freshCluster: {
    oneUserCheckout: { ...fresh.checkout.latency, cpuMsPerCheckout: cpuPerCheckout(fresh.checkout) },
    chat: fresh.chat,
  },
  memory: {
    idle: idleMemory,
    justStarted: justStartedMemory && { processes: justStartedMemory.processes, pssBytes: justStartedMemory.pssBytes },
    afterLoad: loadedMemory && { processes: loadedMemory.processes, pssBytes: loadedMemory.pssBytes },
  },
  startupSeconds,
  invariant: {
    ok: [fresh.checkout, warmUp, single, rampUp, load].every((run) => run.invariant.problems.length === 0),
    problems: [fresh.checkout, warmUp, single, rampUp, load].flatMap((run) => run.invariant.problems),
  },
};
printTable(report);
const reportPath = options.report ?? join(root, '.data', 'bench', `${report.at.replace(/[:.]/g, '-')}.json`);
mkdirSync(join(reportPath, '..'), { recursive: true });
writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nReport written to ${reportPath}`);
process.exitCode = report.invariant.ok ? 0 : 1;

export type BenchReport = typeof report;
