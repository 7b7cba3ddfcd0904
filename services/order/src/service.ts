import { catalogEntry } from '@ecomm/contracts';
import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { orderConfigSchema, type OrderConfig } from './config.js';

export const orderService: ServiceDefinition<OrderConfig> = {
  name: 'order',
  configSchema: orderConfigSchema,
  buildApp,
  database: { schema: catalogEntry('order').schema, migrationsFolder: `${packageRoot(import.meta.url)}/drizzle` },
};
