import { catalogEntry } from '@ecomm/contracts';
import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { authConfigSchema, type AuthConfig } from './config.js';

export const authService: ServiceDefinition<AuthConfig> = {
  name: 'auth',
  configSchema: authConfigSchema,
  buildApp,
  database: { schema: catalogEntry('auth').schema, migrationsFolder: `${packageRoot(import.meta.url)}/drizzle` },
};
