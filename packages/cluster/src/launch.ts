import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { anotherProcessListensOn } from './port-owner.js';
import { serviceBundle } from './service-bundle.js';
import { serviceCatalog, type ServiceName } from './service-catalog.js';

/**
 * How a service's code is loaded: `bundled` runs one file per service, bundled from its TypeScript sources (what
 * `pnpm start` does: 40% less CPU to start than loading hundreds of modules, and no `tsc -b` first; see
 * service-bundle.ts); `compiled` runs what `tsc -b` wrote to dist (`pnpm start` with tracing on: OpenTelemetry
 * instruments pg and the others by hooking their `require`, which a bundle never calls); `source` runs the TypeScript
 * through tsx (tests and evals, which need no build step).
 */
export type ServiceRuntime = 'bundled' | 'compiled' | 'source';

export interface LaunchSettings {
  root: string;
  runtime?: ServiceRuntime;
  /** The environment of each service, given its name. */
  environmentFor: (service: ServiceName) => Record<string, string>;
  onOutput: (service: ServiceName, line: string) => void;
  readyTimeoutMs?: number;
  /** Aborting it while the services start stops them, and launchServices rejects. */
  signal?: AbortSignal;
}

export interface RunningService {
  name: ServiceName;
  port: number;
  process: ChildProcess;
}

/**
 * V8 grows each young-generation semi-space to 16 MB by default, and a service never gives that back: capped at
 * 4 MB, an idle service holds about 13 MB less (measured with PSS), for a few more, quick, scavenges under load.
 */
const laptopHeap = ['--max-semi-space-size=4'];

export function spawnService(
  root: string,
  name: ServiceName,
  environment: Record<string, string>,
  runtime: ServiceRuntime = 'source',
) {
  const argv =
    runtime === 'bundled'
      ? // Stack traces name the .ts files and lines, not the bundle's (built with a linked source map, no sources).
        ['--enable-source-maps', ...laptopHeap, serviceBundle(name)]
      : runtime === 'compiled'
        ? // Without the `source` condition the workspace packages resolve to their dist too; stack traces map to the .ts.
          ['--enable-source-maps', ...laptopHeap, `services/${name}/dist/src/server.js`]
        : // The TypeScript sources through tsx, resolving workspace packages to their sources too.
          ['--conditions=source', '--import', 'tsx', `services/${name}/src/server.ts`];
  return spawn(process.execPath, argv, {
    cwd: root,
    // Its stdin is a pipe this process holds and never writes to: when this process dies, even by SIGKILL, the pipe
    // closes and the service stops (STOP_WHEN_STDIN_CLOSES).
    env: { ...environment, STOP_WHEN_STDIN_CLOSES: 'true' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * Whether a GET answers 2xx. Plain node:http rather than fetch: polling six services every 100 ms through fetch (its
 * streams, abort signals and resource timing) cost the launcher more CPU than the rest of its start together.
 */
function answersOk(url: string) {
  return new Promise<boolean>((resolve) => {
    const request = get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

/**
 * Waits until `child` answers 2xx at `url`. An answer from another process holding its port does not count: `child`
 * then fails to listen, and this throws once it has exited (or was killed), as for any child that stopped before it was
 * ready.
 */
export async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number, signal?: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  const port = Number(new URL(url).port) || undefined;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    // Killed (by the OOM killer, an operator...): its exit code stays null, its signal says so.
    if (child.signalCode !== null) throw new Error(`was killed by ${child.signalCode} before it was ready`);
    if ((await answersOk(url)) && !(child.pid && port && (await anotherProcessListensOn(child.pid, port)))) return;
    // A refused connection costs next to nothing; polling often keeps `pnpm start` from waiting on a ready service.
    await sleep(100);
  }
  throw new Error(`was not ready within ${timeoutMs / 1000} s`);
}

export async function stopServices(running: RunningService[]) {
  await Promise.all(
    running.map(async ({ process: child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    }),
  );
}

/** Starts every service as its own process and waits until each answers /ready. */
export async function launchServices(settings: LaunchSettings): Promise<RunningService[]> {
  const running = serviceCatalog.map(({ name }) => {
    const environment = settings.environmentFor(name);
    const child = spawnService(settings.root, name, environment, settings.runtime);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => settings.onOutput(name, line));
    }
    return { name, port: Number(environment.PORT), process: child };
  });
  try {
    await Promise.all(
      running.map(({ name, port, process: child }) =>
        waitUntilReady(
          `http://127.0.0.1:${port}/ready`,
          child,
          settings.readyTimeoutMs ?? 90_000,
          settings.signal,
        ).catch((error: Error) => {
          throw settings.signal?.aborted ? error : new Error(`The ${name} service ${error.message}`);
        }),
      ),
    );
  } catch (error) {
    await stopServices(running);
    throw error;
  }
  return running;
}
