import { catalogEntry } from '@ecomm/contracts';
import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { orchestratorConfigSchema, type OrchestratorConfig } from './config.js';

export const orchestratorService: ServiceDefinition<OrchestratorConfig> = {
  name: 'orchestrator',
  configSchema: orchestratorConfigSchema,
  buildApp,
  database: {
    schema: catalogEntry('orchestrator').schema,
    migrationsFolder: `${packageRoot(import.meta.url)}/drizzle`,
  },
};
