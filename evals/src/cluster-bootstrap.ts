import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureServiceRoles,
  ensureServiceSchemas,
  freePort,
  freePorts,
  launchServices,
  rolePasswords,
  serviceCatalog,
  serviceDatabaseUrls,
  serviceUrlVariable,
  startEmbeddedPostgres,
  stopServices,
  type RunningService,
  type ServiceName,
} from '@ecomm/cluster';
import type { ShopTarget } from './shop-client.js';

export interface OwnClusterSettings {
  root: string;
  /** The environment the services inherit (PATH and, for a real model, OPENAI_API_KEY, LLM_MODEL...). */
  environment: Record<string, string>;
  provider: 'offline' | 'openai';
}

/**
 * A throwaway cluster for one eval run: an embedded PostgreSQL in a temp folder and the six services as processes,
 * all on random free ports so it never clashes with a running `pnpm start`. Settings are the evals' own: catalog
 * reset on, rate limits out of the way, checkout without a confirmation step.
 */
export async function startOwnCluster(settings: OwnClusterSettings) {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'ecomm-evals-pg-'));
  const database = await startEmbeddedPostgres({
    dataDirectory,
    port: await freePort(),
    password: randomBytes(16).toString('hex'),
    persistent: false,
  });
  const output: string[] = [];
  let running: RunningService[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await stopServices(running);
    await database.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
  try {
    const passwordFor = rolePasswords(randomBytes(32).toString('base64url'));
    await ensureServiceRoles(database.adminUrl, passwordFor);
    await ensureServiceSchemas(database.adminUrl, 'ecommerce');
    const databaseUrls = serviceDatabaseUrls(database.adminUrl, 'ecommerce', passwordFor);
    const picked = await freePorts(serviceCatalog.length);
    const ports = Object.fromEntries(serviceCatalog.map(({ name }, index) => [name, picked[index]!])) as Record<
      ServiceName,
      number
    >;
    const urls = Object.fromEntries(
      serviceCatalog.map(({ name }) => [name, `http://127.0.0.1:${ports[name]}`]),
    ) as ShopTarget['urls'];
    const internalApiKey = randomBytes(24).toString('base64url');
    const shared = {
      ...settings.environment,
      ...Object.fromEntries(serviceCatalog.map(({ name }) => [serviceUrlVariable(name), urls[name]])),
      LOG_LEVEL: 'warn',
      INTERNAL_API_KEY: internalApiKey,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ALLOW_TEST_RESET: 'true',
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_AUTH: '100000/minute',
      RATE_LIMIT_CHAT: '100000/minute',
      CHECKOUT_CONFIRMATION: 'off',
      LLM_PROVIDER: settings.provider,
    };
    running = await launchServices({
      root: settings.root,
      environmentFor: (name) => ({ ...shared, PORT: String(ports[name]), DATABASE_URL: databaseUrls[name] }),
      onOutput: (name, line) => {
        output.push(`${name}: ${line}`);
        if (output.length > 1000) output.shift();
      },
    });
    for (const service of running) {
      service.process.once('exit', (code) => {
        if (stopping) return;
        const lines = output.filter((line) => line.startsWith(`${service.name}: `)).slice(-20);
        console.error(
          `\nThe ${service.name} service stopped unexpectedly (exit code ${code}); its last output:\n${lines.join('\n')}\n`,
        );
      });
    }
    return { target: { urls, internalApiKey } satisfies ShopTarget, stop, output };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-40).join('\n')}`, { cause: error });
  }
}
