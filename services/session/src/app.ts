import { createBusinessMetrics, createDatabaseServiceApp, runInBackground } from '@ecomm/platform';
import { createCartService } from './carts/cart-service.js';
import { cartRoutes } from './carts/routes.js';
import { createClaimService } from './checkout-claims/claim-service.js';
import { claimRoutes } from './checkout-claims/routes.js';
import type { SessionConfig } from './config.js';
import { createCartStore } from './database/repositories.js';
import { idempotencyKeys } from './database/schema.js';

const pruneIntervalMs = 60 * 60 * 1000;

export async function buildApp(config: SessionConfig) {
  const { app, database } = createDatabaseServiceApp({
    service: 'session',
    config,
    idempotencyTable: idempotencyKeys,
    // Every mutating route's work is this service's database only (the charge excepted: see its route).
    idempotencyMode: 'one-transaction',
  });

  const store = createCartStore(database.db);
  createBusinessMetrics(app.metrics, { activeCarts: () => store.carts.countOpenWithItems() });
  await app.register(cartRoutes, { carts: createCartService(store) });
  await app.register(claimRoutes, { claims: createClaimService(store) });

  runInBackground(app, {
    name: 'pruning old checkout claims',
    everyMs: pruneIntervalMs,
    run: () => store.claims.pruneFinished(config.CLAIM_RETENTION_HOURS),
  });
  return app;
}
