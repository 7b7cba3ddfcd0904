import { catalogEntry } from '@ecomm/contracts';
import { packageRoot, type ServiceDefinition } from '@ecomm/platform';
import { buildApp } from './app.js';
import { paymentConfigSchema, type PaymentConfig } from './config.js';

export const paymentService: ServiceDefinition<PaymentConfig> = {
  name: 'payment',
  configSchema: paymentConfigSchema,
  buildApp,
  database: { schema: catalogEntry('payment').schema, migrationsFolder: `${packageRoot(import.meta.url)}/drizzle` },
};
