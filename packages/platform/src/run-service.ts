import { existsSync, fstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { ConfigError, loadConfig, type BaseConfig } from './config.js';
import { migrateSchema } from './database/migrate.js';
import { shutdownTracing } from './observability/tracing.js';

/** The folder of the nearest package.json above a module: stable whether it runs from src or dist. */
export function packageRoot(moduleUrl: string) {
  let folder = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`No package.json above ${moduleUrl}`);
    folder = parent;
  }
  return folder;
}

export interface ServiceDefinition<Config extends BaseConfig & { PORT: number }> {
  name: string;
  configSchema: z.ZodType<Config>;
  buildApp: (config: Config) => Promise<FastifyInstance>;
  /** The service's PostgreSQL schema and its checked-in migrations, applied before listening. */
  database?: { schema: string; migrationsFolder: string };
}

/** How long a service may take to stop after SIGTERM before it exits anyway; deployments wait longer. */
export const shutdownTimeoutMs = 10_000;

/** A pipe or a socket pair, as a launcher hands a child (node's `stdio: 'pipe'` is a socket pair). */
function stdinIsPipe() {
  const stdin = fstatSync(0);
  return stdin.isFIFO() || stdin.isSocket();
}

/** Starts a service: config that fails fast, migrations, listen, and a clean stop on SIGINT/SIGTERM. */
export async function runService<Config extends BaseConfig & { PORT: number }>(definition: ServiceDefinition<Config>) {
  let config: Config;
  try {
    config = loadConfig(definition.configSchema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${definition.name} service cannot start. ${error.message}`);
    process.exit(1);
  }
  if (config.STOP_WHEN_STDIN_CLOSES && !stdinIsPipe()) {
    // Copied into a container's settings, say, where stdin is /dev/null or closed: the service would stop at once.
    console.error(
      `${definition.name} service cannot start. STOP_WHEN_STDIN_CLOSES is for a service whose stdin is a pipe its ` +
        'launcher holds (pnpm start); here stdin is not a pipe. Unset it.',
    );
    process.exit(1);
  }
  // Before the app exists (migrations, building it) there is nothing to stop cleanly: the process ends at once.
  const exitAtOnce = () => process.exit(1);
  if (config.STOP_WHEN_STDIN_CLOSES) process.stdin.once('close', exitAtOnce).resume();
  if (definition.database && config.MIGRATE_ON_START) {
    await migrateSchema({ url: config.DATABASE_URL, ...definition.database });
  }
  const app = await definition.buildApp(config);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => process.exit(1), shutdownTimeoutMs).unref();
    // Fastify closes the server first, then runs onClose hooks (the pool) once in-flight requests end.
    await app.close();
    await shutdownTracing();
    clearTimeout(forceExit);
    process.exit(0);
  };
  if (config.STOP_WHEN_STDIN_CLOSES) process.stdin.off('close', exitAtOnce).once('close', () => stop('stdin closed'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  await app.listen({ host: config.HOST, port: config.PORT });
  return app;
}
