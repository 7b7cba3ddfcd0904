import { catalogEntry } from '@ecomm/contracts';
import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { sessionConfigSchema, type SessionConfig } from './config.js';

export const sessionService: ServiceDefinition<SessionConfig> = {
  name: 'session',
  configSchema: sessionConfigSchema,
  buildApp,
  database: { schema: catalogEntry('session').schema, migrationsFolder: `${packageRoot(import.meta.url)}/drizzle` },
};
