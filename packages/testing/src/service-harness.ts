import type { ServiceName } from '@ecomm/cluster';
import {
  createTokenService,
  loadConfig,
  migrateSchema,
  type BaseConfig,
  type ServiceDefinition,
  type UserRole,
} from '@ecomm/platform';
import type { FastifyInstance } from 'fastify';
import { testRunVariable } from './leftover-processes.js';
import type { TestDatabase } from './test-database.js';

export const testSecrets = {
  INTERNAL_API_KEY: 'test-internal-api-key-0123456789',
  JWT_SECRET: 'test-jwt-secret-that-is-at-least-32-characters',
} as const;

export const internalHeaders = { 'x-internal-api-key': testSecrets.INTERNAL_API_KEY };

/** A test service's variables: none of the shell's, except the test run's mark (see `stopLeftoverProcesses`). */
export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  const runId = process.env[testRunVariable];
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(runId ? { [testRunVariable]: runId } : {}),
    ...testSecrets,
    ...overrides,
  };
}

type Definition<Config extends BaseConfig & { PORT: number }> = ServiceDefinition<Config>;

/** Builds a service's real app on its own schema of the test database, migrated, ready for `inject`. */
export async function buildTestService<Config extends BaseConfig & { PORT: number }>(
  definition: Definition<Config>,
  database: TestDatabase,
  environment: Record<string, string> = {},
): Promise<FastifyInstance> {
  const url = database.urlFor(definition.name as ServiceName);
  const config = loadConfig(definition.configSchema, testEnvironment({ DATABASE_URL: url, PORT: '0', ...environment }));
  if (definition.database) await migrateSchema({ url, ...definition.database });
  return definition.buildApp(config);
}

/** The same, listening on a random loopback port, for tests that talk real HTTP between services. */
export async function startTestService<Config extends BaseConfig & { PORT: number }>(
  definition: Definition<Config>,
  database: TestDatabase,
  environment: Record<string, string> = {},
) {
  const app = await buildTestService(definition, database, environment);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: address };
}

/** Signs a user token the way the auth service does; options let tests forge bad ones. */
export async function signTestToken(
  userId: string,
  options: { secret?: string; expiresInSeconds?: number; issuer?: string; audience?: string; role?: UserRole } = {},
) {
  const tokens = createTokenService({
    secret: options.secret ?? testSecrets.JWT_SECRET,
    issuer: options.issuer ?? 'ecomm-auth',
    audience: options.audience ?? 'ecomm',
    expiresInSeconds: options.expiresInSeconds ?? 3600,
  });
  return tokens.sign({ id: userId, ...(options.role ? { role: options.role } : {}) });
}
