import { createBusinessMetrics, createDatabase, createServiceApp, installIdempotency } from '@ecomm/platform';
import { createCartService } from './carts/cart-service.js';
import { cartRoutes } from './carts/routes.js';
import { createClaimService } from './checkout-claims/claim-service.js';
import { claimRoutes } from './checkout-claims/routes.js';
import type { SessionConfig } from './config.js';
import { createCartStore } from './database/repositories.js';
import { idempotencyKeys } from './database/schema.js';

export async function buildApp(config: SessionConfig) {
  const database = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: 'session' });
  const app = createServiceApp({ service: 'session', config, readiness: database.ping });
  app.addHook('onClose', database.close);
  installIdempotency(app, { db: database.db, table: idempotencyKeys, ttlHours: config.IDEMPOTENCY_TTL_HOURS });

  const store = createCartStore(database.db);
  createBusinessMetrics(app.metrics, { activeCarts: () => store.carts.countOpenWithItems() });
  await app.register(cartRoutes, { carts: createCartService(store) });
  await app.register(claimRoutes, { claims: createClaimService(store) });
  return app;
}
