import { catalogEntry } from '@ecomm/contracts';
import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { productConfigSchema, type ProductConfig } from './config.js';

export const productService: ServiceDefinition<ProductConfig> = {
  name: 'product',
  configSchema: productConfigSchema,
  buildApp,
  database: { schema: catalogEntry('product').schema, migrationsFolder: `${packageRoot(import.meta.url)}/drizzle` },
};
