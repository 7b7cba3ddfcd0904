import { createDatabaseServiceApp } from '@ecomm/platform';
import type { OrderConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createOrderRepository } from './orders/order-repository.js';
import { createOrderService } from './orders/order-service.js';
import { orderRoutes } from './orders/routes.js';

export async function buildApp(config: OrderConfig) {
  const { app, database } = createDatabaseServiceApp({ service: 'order', config, idempotencyTable: idempotencyKeys });
  await app.register(orderRoutes, { orders: createOrderService({ orders: createOrderRepository(database.db) }) });
  return app;
}
