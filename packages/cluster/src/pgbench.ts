import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const benchDatabase = 'bench_pgbench';

export const pgbenchMissing = `pgbench was not found. It ships with the PostgreSQL client tools:
  Debian/Ubuntu: sudo apt-get install postgresql-client    macOS: brew install libpq (then add its bin to PATH)
or pass --skip-pgbench to measure without the yardstick.`;

export async function pgbenchVersion() {
  try {
    const { stdout } = await run('pgbench', ['--version']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

async function onAdmin(adminUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * TPC-B as pgbench runs it (five statements per transaction, one of them a contended update) against the cluster's
 * own PostgreSQL, in a database of its own that is dropped afterwards: the yardstick for what this machine's
 * PostgreSQL can do with the settings the cluster gave it.
 */
export async function runPgbench(adminUrl: string, settings: { clients: number; seconds: number; scale: number }) {
  const url = new URL(adminUrl);
  url.pathname = `/${benchDatabase}`;
  await onAdmin(adminUrl, `drop database if exists ${benchDatabase} with (force)`);
  await onAdmin(adminUrl, `create database ${benchDatabase}`);
  try {
    await run('pgbench', ['--initialize', '--quiet', `--scale=${settings.scale}`, url.toString()], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const threads = Math.min(settings.clients, 2);
    const { stdout } = await run(
      'pgbench',
      [`--client=${settings.clients}`, `--jobs=${threads}`, `--time=${settings.seconds}`, url.toString()],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const tps = Number(/^tps = ([\d.]+)/m.exec(stdout)?.[1]);
    const latencyMs = Number(/^latency average = ([\d.]+) ms/m.exec(stdout)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return { tps, latencyMs, ...settings };
  } finally {
    await onAdmin(adminUrl, `drop database if exists ${benchDatabase} with (force)`);
  }
}
