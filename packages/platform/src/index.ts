export {
  baseConfigSchema,
  booleanSchema,
  ConfigError,
  loadConfig,
  portSchema,
  rateLimitSchema,
  type BaseConfig,
} from './config.js';
export { AppError, isAppError, type ErrorBody } from './errors.js';
export { isDatabaseBusy } from './http/error-handler.js';
export { loggerOptions, redactedPaths, type Logger } from './logger.js';
export {
  createDatabase,
  type Database,
  type DatabaseConnection,
  type DatabaseSettings,
} from './database/connection.js';
export { sentWithNextStatement } from './database/statement-forms.js';
export { migrateSchema } from './database/migrate.js';
export { withTransactions, type Executor } from './database/transactions.js';
export { idempotencyTable, type IdempotencyTable } from './database/idempotency-table.js';
export { rateLimitTable, type RateLimitTable } from './database/rate-limit-table.js';
export { withMigrationLock } from './database/startup-lock.js';
export { postgresRateLimitStore, pruneRateLimitCounters, rateLimitError } from './http/rate-limit-store.js';
export { runInBackground, type BackgroundTask } from './http/background-task.js';
export { createServiceApp, type ServiceApp, type ServiceAppOptions } from './http/service-app.js';
export { createDatabaseServiceApp, type DatabaseServiceAppOptions } from './http/database-service-app.js';
export { idempotencyKeyHeader, installIdempotency, type IdempotencyMode } from './http/idempotency.js';
export { readWithClaim, type ClaimingRead, type KeyClaim } from './http/read-with-claim.js';
export {
  createServiceClient,
  type BreakerOptions,
  type BreakerState,
  type ServiceClient,
  type ServiceClientOptions,
} from './http/service-client.js';
export {
  authenticateUser,
  installAccessGuard,
  internalKeyHeader,
  keysMatch,
  requireUser,
  type RouteAccess,
} from './security/access-guard.js';
export { createTokenService, type AuthenticatedUser, type TokenService, type UserRole } from './security/tokens.js';
export { installMetrics } from './observability/metrics.js';
export { packageRoot, runService, shutdownTimeoutMs, type ServiceDefinition } from './run-service.js';
export {
  breakerStateValues,
  businessMetricNames,
  createBusinessMetrics,
  type BusinessMetrics,
} from './observability/business-metrics.js';
export { spanAttributes, withSpan } from './observability/spans.js';
export { startTracing, type Tracing } from './observability/tracing.js';
export { accountRoutes, type AccountHandlers } from './http/account-routes.js';
