import { catalogEntry, type ServiceName } from '@ecomm/contracts';
import { baseConfigSchema, booleanSchema, portSchema, rateLimitSchema } from '@ecomm/platform';
import { z } from 'zod';
import { agentConfigShape, resolveProvider } from './agents/agent-config.js';

const serviceUrl = (name: ServiceName) => z.url().default(`http://127.0.0.1:${catalogEntry(name).port}`);
const milliseconds = (defaultValue: number) => z.coerce.number().int().min(1).max(600_000).default(defaultValue);

export const orchestratorConfigSchema = baseConfigSchema
  .extend({
    PORT: portSchema(catalogEntry('orchestrator').port),
    PRODUCT_SERVICE_URL: serviceUrl('product'),
    ORDER_SERVICE_URL: serviceUrl('order'),
    PAYMENT_SERVICE_URL: serviceUrl('payment'),
    SESSION_SERVICE_URL: serviceUrl('session'),
    AUTH_SERVICE_URL: serviceUrl('auth'),
    /** The built web app to serve at `/` (pnpm start points it at web/dist); unset, only the API is served. */
    WEB_DIST_DIR: z.string().optional(),
    /** Per client IP, for the login and registration the web app sends through this service. */
    RATE_LIMIT_AUTH: rateLimitSchema.prefault('10/minute'),
    SERVICE_TIMEOUT_MS: milliseconds(5_000),
    PAYMENT_TIMEOUT_MS: milliseconds(10_000),
    /** Failed calls in a row (timeouts, refused connections, 502/503/504) to one service that open its breaker. */
    CIRCUIT_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
    /** How long an open breaker fails calls fast before it lets one through to test the service. */
    CIRCUIT_BREAKER_HALF_OPEN_AFTER_MS: milliseconds(10_000),
    /** /checkout answers by then: 202 if the payment may have started (the run goes on), else 503 (nothing charged). */
    CHECKOUT_DEADLINE_MS: milliseconds(25_000),
    /** Forward X-Payment-Simulate from /checkout to the payment service (tests and demos). */
    PAYMENT_SIMULATION: booleanSchema(false),
    /** Honour X-Saga-Fault on /checkout (tests only). */
    SAGA_FAULT_INJECTION: booleanSchema(false),
    SAGA_HEARTBEAT_MS: milliseconds(5_000),
    /** /chat/stream sends an SSE keep-alive comment after this long without a part, e.g. while a payment runs. */
    CHAT_STREAM_HEARTBEAT_MS: milliseconds(5_000),
    SAGA_STALE_AFTER_MS: milliseconds(30_000),
    SAGA_SWEEP_INTERVAL_MS: milliseconds(10_000),
    SAGA_STEP_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
    SAGA_BACKOFF_MS: milliseconds(200),
    /**
     * A run whose compensation failed is taken up again by the sweep this long after, then after twice as long each
     * time, SAGA_COMPENSATION_RETRIES times in all; after that it waits for an operator. SAGA_COMPENSATION_RETRIES=0
     * leaves it to an operator. At least a second: retries back to back would be over before a service is back.
     */
    SAGA_COMPENSATION_RETRY_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    SAGA_COMPENSATION_RETRIES: z.coerce.number().int().min(0).max(20).default(8),
    /** The auth service's address as MCP clients reach it, named in /.well-known/oauth-protected-resource. */
    MCP_AUTHORIZATION_SERVER: z.url().default('http://localhost:8005'),
    /** How long an MCP checkout, cancellation or return preview can be confirmed. */
    MCP_CONFIRMATION_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
    /** Finished runs (completed, compensated) are deleted this long after they finished; others are kept. */
    SAGA_RETENTION_HOURS: z.coerce.number().min(1).default(720),
    /** Per user on /checkout, shared by all replicas. */
    RATE_LIMIT_CHECKOUT: rateLimitSchema.prefault('10/minute'),
    /** Ship each order paid here after FULFILLMENT_SHIP_AFTER_MS and deliver it FULFILLMENT_DELIVER_AFTER_MS later (demos, evals). */
    FULFILLMENT_SIMULATION: booleanSchema(false),
    FULFILLMENT_SHIP_AFTER_MS: milliseconds(30_000),
    FULFILLMENT_DELIVER_AFTER_MS: milliseconds(60_000),
    ...agentConfigShape,
  })
  .superRefine((config, context) => {
    // A run still being worked on must never look orphaned, or two processes would drive it at once.
    if (config.SAGA_STALE_AFTER_MS <= 2 * config.SAGA_HEARTBEAT_MS) {
      context.addIssue({
        code: 'custom',
        path: ['SAGA_STALE_AFTER_MS'],
        message: 'must be more than twice SAGA_HEARTBEAT_MS',
      });
    }
  })
  .transform(resolveProvider);

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;
