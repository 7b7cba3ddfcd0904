import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePorts,
  serviceUrlVariable,
  stopServices,
  waitUntilReady,
  workspaceRoot,
  type RunningService,
  type ServiceName,
} from '@ecomm/cluster';
import { testEnvironment, type TestDatabase } from '@ecomm/testing';

interface TracedService {
  name: ServiceName;
  url: string;
  /** The service's JSON log lines, parsed, once one matches: services write info lines in batches, a fraction of a second late. */
  logsOnceOneMatches: (matches: (line: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>[]>;
}

export interface TracedCluster {
  services: Partial<Record<ServiceName, TracedService>>;
  stop: () => Promise<void>;
}

export interface TracedClusterOptions {
  database: TestDatabase;
  /** Where the services export their spans: a TraceReceiver's url, or a collector's. */
  otlpEndpoint: string;
  environment?: Partial<Record<ServiceName, Record<string, string>>>;
}

const logWaitMs = 10_000;

function parsedLines(lines: string[]) {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/**
 * Starts services as separate processes, exactly as `pnpm start` runs them (so each one loads
 * `@ecomm/platform/tracing` first and reports under its own service name), with tracing exported to
 * `otlpEndpoint` and each service's *_SERVICE_URL pointing at the others.
 */
export async function startTracedServices(names: ServiceName[], options: TracedClusterOptions): Promise<TracedCluster> {
  const root = workspaceRoot();
  const picked = await freePorts(names.length);
  const ports = new Map(names.map((name, index) => [name, picked[index]!]));
  const serviceUrls = Object.fromEntries(
    names.map((name) => [serviceUrlVariable(name), `http://127.0.0.1:${ports.get(name)}`]),
  );

  const running: (RunningService & { lines: string[] })[] = names.map((name) => {
    const port = ports.get(name)!;
    const environment = testEnvironment({
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.database.urlFor(name),
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
      // Export finished spans within 100 ms instead of the default 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...serviceUrls,
      ...options.environment?.[name],
    });
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', `services/${name}/src/server.ts`],
      {
        cwd: root,
        env: environment,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => lines.push(line));
    return { name, port, process: child, lines };
  });

  const stop = async () => {
    // A service that stopped on its own leaves its test failing far from the cause: its last lines say why.
    for (const { name, process: child, lines } of running) {
      if (child.exitCode !== null || child.signalCode !== null)
        console.error(
          `The ${name} service stopped on its own (${child.exitCode ?? child.signalCode}):\n${lines.slice(-20).join('\n')}`,
        );
    }
    await stopServices(running);
  };
  try {
    await Promise.all(
      running.map(({ name, port, process: child, lines }) =>
        waitUntilReady(`http://127.0.0.1:${port}/ready`, child, 120_000).catch((error: Error) => {
          throw new Error(`The ${name} service ${error.message}:\n${lines.slice(-20).join('\n')}`);
        }),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const services = Object.fromEntries(
    running.map(({ name, port, lines }) => [
      name,
      {
        name,
        url: `http://127.0.0.1:${port}`,
        logsOnceOneMatches: async (matches: (line: Record<string, unknown>) => boolean) => {
          for (const deadline = Date.now() + logWaitMs; Date.now() < deadline; await sleep(20)) {
            const parsed = parsedLines(lines);
            if (parsed.some(matches)) return parsed;
          }
          throw new Error(`No matching line in ${name}'s log within ${logWaitMs} ms:\n${lines.join('\n')}`);
        },
      },
    ]),
  );
  return { services, stop };
}
