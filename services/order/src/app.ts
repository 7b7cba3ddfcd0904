import { createDatabaseServiceApp } from '@ecomm/platform';
import type { OrderConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { cancellationRoutes } from './orders/cancellation-routes.js';
import { createOrderRepository } from './orders/order-repository.js';
import { createOrderService } from './orders/order-service.js';
import { createReturnRepository } from './orders/return-repository.js';
import { returnRoutes } from './orders/return-routes.js';
import { createReturnService } from './orders/return-service.js';
import { orderRoutes } from './orders/routes.js';

export async function buildApp(config: OrderConfig) {
  const { app, database } = createDatabaseServiceApp({
    service: 'order',
    config,
    idempotencyTable: idempotencyKeys,
    // Every mutating route's work is this service's database only (the charge excepted: see its route).
    idempotencyMode: 'one-transaction',
  });
  const repository = createOrderRepository(database.db);
  const returnWindowDays = config.RETURN_WINDOW_DAYS;
  const orders = createOrderService({ orders: repository, returnWindowDays });
  const returns = createReturnService({
    orders: repository,
    returns: createReturnRepository(database.db),
    returnWindowDays,
  });
  await app.register(orderRoutes, { orders });
  await app.register(cancellationRoutes, { orders });
  await app.register(returnRoutes, { returns });
  return app;
}
