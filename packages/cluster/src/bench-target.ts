import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { clusterDataDirectory, runningClusterStatus } from './cluster-status.js';
import { servicePorts } from './service-catalog.js';
import { createShopClient, type ShopUrls } from './shop-client.js';
import { workspaceRoot } from './workspace-root.js';

export const targetOptions = {
  url: { type: 'string' },
  'product-url': { type: 'string' },
  'order-url': { type: 'string' },
  'payment-url': { type: 'string' },
  'session-url': { type: 'string' },
  'auth-url': { type: 'string' },
} as const;

export const targetUsage = `The cluster is the one \`pnpm start\` runs from this folder (its ports are read from .data/cluster.json), else
http://localhost:8000. --url names the orchestrator; the other services are found on its host at the next five
ports (override with --product-url, --order-url, --payment-url, --session-url, --auth-url). INTERNAL_API_KEY comes
from the environment or .env.local.`;

export function benchFail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

/** The local environment a benchmark shares with `pnpm start`: the shell first, then `.env.local`. */
export function localSecret(name: string): string | undefined {
  const path = join(workspaceRoot(), '.env.local');
  return process.env[name] ?? (existsSync(path) ? parseEnv(readFileSync(path, 'utf8'))[name] : undefined);
}

/** The services' URLs from the options, else from the running cluster's status, else the usual ports. */
export function targetUrls(options: Partial<Record<keyof typeof targetOptions, string>>): Required<ShopUrls> {
  const status = runningClusterStatus(clusterDataDirectory(workspaceRoot()));
  const base = new URL(options.url ?? `http://localhost:${status?.ports.orchestrator ?? 8000}`);
  const ports = servicePorts(base.port ? Number(base.port) : 8000);
  const sibling = (port: number) => `${base.protocol}//${base.hostname}:${port}`;
  return {
    orchestrator: base.origin,
    product: options['product-url'] ?? sibling(ports.product),
    order: options['order-url'] ?? sibling(ports.order),
    payment: options['payment-url'] ?? sibling(ports.payment),
    session: options['session-url'] ?? sibling(ports.session),
    auth: options['auth-url'] ?? sibling(ports.auth),
  };
}

/** A whole number of at least 1 from a command-line option, or the run stops saying which option is wrong. */
export function positiveWholeNumber(name: string, value: string) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) benchFail(`--${name} must be a positive whole number, got "${value}"`);
  return number;
}

/** A shop client on the target cluster, once it answers; the run stops with what to do when it does not. */
export async function connectToCluster(options: Partial<Record<keyof typeof targetOptions, string>>) {
  const urls = targetUrls(options);
  const internalApiKey = localSecret('INTERNAL_API_KEY');
  if (!internalApiKey)
    benchFail('INTERNAL_API_KEY is not set and .env.local has none: start the cluster once with pnpm start');
  const shop = createShopClient({ urls, internalApiKey, onNotice: (message) => console.log(`  ${message}`) });
  await shop
    .ready()
    .catch((error: Error) =>
      benchFail(`No cluster answers at ${urls.orchestrator} (${error.message}). Start it with pnpm start.`),
    );
  return { urls, shop };
}
