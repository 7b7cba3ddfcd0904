import { createDatabaseServiceApp } from '@ecomm/platform';
import type { ProductConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createProductRepository } from './products/product-repository.js';
import { createProductService } from './products/product-service.js';
import { productRoutes } from './products/routes.js';
import { createReservationRepository } from './reservations/reservation-repository.js';
import { createReservationService } from './reservations/reservation-service.js';
import { reservationRoutes } from './reservations/routes.js';
import { createRestockRepository } from './restocks/restock-repository.js';
import { restockRoutes } from './restocks/routes.js';
import { createResetRepository } from './reset/reset-repository.js';
import { resetRoutes } from './reset/routes.js';

export async function buildApp(config: ProductConfig) {
  const { app, database } = createDatabaseServiceApp({
    service: 'product',
    config,
    idempotencyTable: idempotencyKeys,
    // Every mutating route's work is this service's database only (the charge excepted: see its route).
    idempotencyMode: 'one-transaction',
  });

  await app.register(productRoutes, {
    catalog: createProductService({ products: createProductRepository(database.db) }),
  });
  await app.register(reservationRoutes, {
    reservations: createReservationService({ reservations: createReservationRepository(database.db) }),
  });
  await app.register(restockRoutes, { restocks: createRestockRepository(database.db) });
  if (config.ALLOW_TEST_RESET) await app.register(resetRoutes, { reset: createResetRepository(database.db) });
  return app;
}
