import { createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import type { OrderConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createOrderRepository } from './orders/order-repository.js';
import { createOrderService } from './orders/order-service.js';
import { orderRoutes } from './orders/routes.js';

export async function buildApp(config: OrderConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'order' });
  const app = createServiceApp({ service: 'order', config, readiness: database.ping });
  app.addHook('onClose', database.close);
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  await app.register(orderRoutes, { orders: createOrderService({ orders: createOrderRepository(database.db) }) });
  return app;
}
