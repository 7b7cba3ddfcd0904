import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isRunning, procStat, workspaceRoot, type ClusterStatus } from '@ecomm/cluster';

const root = workspaceRoot();

/**
 * The `pnpm start` script's own command line, from package.json, run with this Node (not through pnpm). The script
 * `exec`s node, so that pnpm's SIGTERM reaches the launcher instead of only the shell pnpm runs it in.
 */
function startCommand() {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts;
  const [node, ...args] = scripts.start.replace(/^exec /, '').split(' ');
  if (node !== 'node') throw new Error(`pnpm start no longer runs node: ${scripts.start}`);
  return args;
}

function portIsFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Six free ports in a row (CLUSTER_BASE_PORT and the next five), away from the usual 8000-8005. */
export async function freePortRange(count = 6) {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, index) => base + index);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
}

/** Variables of the test run or a developer's shell that would point the launcher elsewhere than its own cluster. */
const inherited = ['DATABASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'NODE_OPTIONS'];

export interface Launcher {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output: () => string;
  stderr: () => string;
  /** Resolves once a line matching `pattern` was printed; rejects if the launcher exits first. */
  printed: (pattern: RegExp) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const launched: ChildProcess[] = [];

/**
 * Runs `pnpm start`'s command in its own process group, with the settings and secrets of a test cluster; `throughPnpm`
 * runs `pnpm start` itself (pnpm, then the shell it runs the script in, then the launcher).
 */
export function startLauncher(settings: Record<string, string>, { throughPnpm = false } = {}): Launcher {
  // What this process inherited is left out; a test's own settings (its DATABASE_URL too) go in.
  const environment: Record<string, string | undefined> = { ...process.env };
  for (const name of inherited) delete environment[name];
  for (const name of Object.keys(environment)) if (name.startsWith('NODE_TEST')) delete environment[name];
  Object.assign(environment, settings);
  const [command, args] = throughPnpm ? ['pnpm', ['start']] : [process.execPath, startCommand()];
  const child = spawn(command, args, {
    cwd: root,
    env: environment,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launched.push(child);
  let output = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
      void exited.then(({ code }) =>
        reject(new Error(`The launcher exited (${code}) before printing ${pattern}:\n${output}`)),
      );
    });
  return { child, output: () => output, stderr: () => stderr, printed, exited };
}

/** Whatever a failed test left: each launcher's process group (its services and PostgreSQL are in it). */
export function killLaunchers() {
  for (const child of launched) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

export function readStatus(dataDirectory: string) {
  return JSON.parse(readFileSync(join(dataDirectory, 'cluster.json'), 'utf8')) as ClusterStatus;
}

export function postmasterPid(dataDirectory: string) {
  return Number(readFileSync(join(dataDirectory, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** The pids of those still running. */
export const stillRunning = (pids: number[]) => pids.filter(isRunning);

/**
 * The processes left in a launcher's process group (its services, PostgreSQL, Vite: none of them starts a group of
 * its own), read from /proc: the check needs no pid the launcher wrote down.
 */
export function processGroup(launcher: Launcher) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      const [state, , group] = procStat(Number(pid))?.fields ?? [];
      return Number(group) === launcher.child.pid && state !== 'Z' ? [Number(pid)] : [];
    });
}
