import rateLimit from '@fastify/rate-limit';
import {
  createDatabaseServiceApp,
  createTokenService,
  postgresRateLimitStore,
  pruneRateLimitCounters,
  rateLimitError,
  runInBackground,
} from '@ecomm/platform';
import type { AuthConfig } from './config.js';
import { rateLimitCounters } from './database/schema.js';
import { createAccountService } from './users/account-service.js';
import { authRoutes } from './users/routes.js';
import { createUserRepository } from './users/user-repository.js';

const pruneIntervalMs = 60 * 60 * 1000;

export async function buildApp(config: AuthConfig) {
  const { app, database } = createDatabaseServiceApp({ service: 'auth', config, docsAccess: 'public' });

  await app.register(rateLimit, {
    global: false,
    // Counters in this service's schema: every replica counts one IP against the same limit.
    store: postgresRateLimitStore(database.db, rateLimitCounters),
    errorResponseBuilder: rateLimitError,
  });

  const tokens = createTokenService({
    secret: config.JWT_SECRET,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresInSeconds: config.JWT_EXPIRES_IN_SECONDS,
  });
  const accounts = createAccountService({
    users: createUserRepository(database.db),
    tokens,
    bcryptRounds: config.BCRYPT_ROUNDS,
  });
  await app.register(authRoutes, {
    accounts,
    rateLimit: config.RATE_LIMIT_AUTH,
    internalApiKey: config.INTERNAL_API_KEY,
  });

  runInBackground(app, {
    name: 'pruning old rate-limit counters',
    everyMs: pruneIntervalMs,
    run: () => pruneRateLimitCounters(database.db, rateLimitCounters),
  });
  return app;
}
