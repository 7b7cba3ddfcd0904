import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { readClusterStatus } from './cluster-status.js';
import { servicePorts } from './service-catalog.js';
import type { ShopUrls } from './shop-client.js';
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
  const status = readClusterStatus(workspaceRoot());
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
