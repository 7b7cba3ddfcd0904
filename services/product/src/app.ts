import { createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import type { ProductConfig } from './config.js';
import { idempotencyKeys } from './database/schema.js';
import { createProductRepository } from './products/product-repository.js';
import { createProductService } from './products/product-service.js';
import { productRoutes } from './products/routes.js';
import { createReservationRepository } from './reservations/reservation-repository.js';
import { createReservationService } from './reservations/reservation-service.js';
import { reservationRoutes } from './reservations/routes.js';
import { createResetRepository } from './reset/reset-repository.js';
import { resetRoutes } from './reset/routes.js';

export async function buildApp(config: ProductConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'product' });
  const app = createServiceApp({ service: 'product', config, readiness: database.ping });
  app.addHook('onClose', database.close);
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });

  await app.register(productRoutes, { catalog: createProductService({ products: createProductRepository(database.db) }) });
  await app.register(reservationRoutes, {
    reservations: createReservationService({ reservations: createReservationRepository(database.db) }),
  });
  if (config.ALLOW_TEST_RESET) await app.register(resetRoutes, { reset: createResetRepository(database.db) });
  return app;
}
