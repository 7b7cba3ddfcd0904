import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { sessionConfigSchema, type SessionConfig } from './config.js';

export const sessionService: ServiceDefinition<SessionConfig> = {
  name: 'session',
  configSchema: sessionConfigSchema,
  buildApp,
  database: { schema: 'session', migrationsFolder: `${packageRoot(import.meta.url)}/drizzle` },
};
