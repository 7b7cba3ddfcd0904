import rateLimit from '@fastify/rate-limit';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import {
  AppError,
  createBusinessMetrics,
  createDatabaseServiceApp,
  createTokenService,
  postgresRateLimitStore,
  pruneRateLimitCounters,
  withMigrationLock,
} from '@ecomm/platform';
import { adminRoutes } from './admin/routes.js';
import { createChatModel } from './agents/chat-model.js';
import { buildShoppingGraph } from './agents/graph/shopping-graph.js';
import { createCheckoutTools } from './agents/tools/checkout-tools.js';
import { createSalesTools } from './agents/tools/sales-tools.js';
import { createChatService } from './chat/chat-service.js';
import { chatRoutes } from './chat/routes.js';
import { createThreadRepository } from './chat/thread-repository.js';
import { checkoutSaga } from './checkout/checkout-saga.js';
import { createCheckoutService } from './checkout/checkout-service.js';
import { checkoutRoutes } from './checkout/routes.js';
import { createDomainClients } from './clients/domain-clients.js';
import type { OrchestratorConfig } from './config.js';
import { idempotencyKeys, rateLimitCounters } from './database/schema.js';
import { createSagaRecovery } from './saga/saga-recovery.js';
import { createSagaRepository } from './saga/saga-repository.js';
import { createSagaRunner } from './saga/saga-runner.js';

const pruneIntervalMs = 60 * 60 * 1000;

export interface AppDependencies {
  /** Replaces the configured model, e.g. with a scripted one in tests. */
  chatModel?: BaseChatModel;
}

export async function buildApp(config: OrchestratorConfig, dependencies: AppDependencies = {}) {
  const { app, database } = createDatabaseServiceApp({ service: 'orchestrator', config, idempotencyTable: idempotencyKeys });
  await app.register(rateLimit, {
    global: false,
    // Counters in this service's schema: every replica counts against the same limit.
    store: postgresRateLimitStore(database.db, rateLimitCounters),
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds`),
  });
  const metrics = createBusinessMetrics(app.metrics);
  const tokens = createTokenService({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

  const clients = createDomainClients(config);
  const sagaRepository = createSagaRepository(database.db);
  const runner = createSagaRunner(checkoutSaga(clients), {
    repository: sagaRepository,
    logger: app.log,
    heartbeatMs: config.SAGA_HEARTBEAT_MS,
    attempts: config.SAGA_STEP_ATTEMPTS,
    backoffMs: config.SAGA_BACKOFF_MS,
    onCompensation: (step, outcome) => metrics.sagaCompensations.inc({ step_name: step, outcome }),
  });
  const recovery = createSagaRecovery({
    repository: sagaRepository,
    runner,
    logger: app.log,
    staleAfterMs: config.SAGA_STALE_AFTER_MS,
    intervalMs: config.SAGA_SWEEP_INTERVAL_MS,
  });
  const checkout = createCheckoutService({
    clients,
    runner,
    logger: app.log,
    observer: {
      finished: (status, seconds) => {
        metrics.checkouts.inc({ status });
        metrics.checkoutDuration.observe(seconds);
      },
    },
  });

  // Conversation memory: LangGraph checkpoints in this service's own schema, one thread per user and session.
  const checkpointer = new PostgresSaver(database.pool, undefined, { schema: 'orchestrator' });
  // Its tables are created outside the migrations: under their lock, so replicas starting together do not collide.
  await withMigrationLock(database.pool, 'orchestrator', () => checkpointer.setup());
  const configured = createChatModel(config);
  const model = dependencies.chatModel ?? configured.model;
  const modelName = dependencies.chatModel ? dependencies.chatModel._llmType() : configured.modelName;
  const salesTools = createSalesTools(clients);
  const checkoutTools = createCheckoutTools(clients, checkout, { confirmation: config.CHECKOUT_CONFIRMATION === 'required' });
  const graph = buildShoppingGraph({
    model,
    modelName,
    checkpointer,
    salesTools: [salesTools.searchProducts, salesTools.addToCart, salesTools.updateCartQuantity, salesTools.removeFromCart, salesTools.viewCart],
    checkoutTools: [checkoutTools.viewCart, checkoutTools.checkout],
    historyLimit: config.CHAT_HISTORY_LIMIT,
  });
  const threads = createThreadRepository(database.db);
  const chat = createChatService({ graph, clients, threads, checkpointer, modelName, metrics });

  await app.register(checkoutRoutes, {
    checkout,
    paymentSimulation: config.PAYMENT_SIMULATION,
    faultInjection: config.SAGA_FAULT_INJECTION,
    rateLimit: config.RATE_LIMIT_CHECKOUT,
  });
  await app.register(adminRoutes, { repository: sagaRepository, resume: runner.resume });
  await app.register(chatRoutes, { chat, tokens, rateLimit: config.RATE_LIMIT_CHAT });

  const pruneOldRows = () =>
    Promise.all([
      chat.pruneIdleThreads(config.CHAT_THREAD_TTL_HOURS),
      sagaRepository.pruneFinished(config.SAGA_RETENTION_HOURS),
      pruneRateLimitCounters(database.db, rateLimitCounters),
    ]).catch((error: unknown) => app.log.warn({ err: error }, 'pruning old rows failed'));
  let pruneTimer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    recovery.start();
    void pruneOldRows();
    pruneTimer = setInterval(pruneOldRows, pruneIntervalMs).unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(pruneTimer);
    await recovery.stop();
    await clients.close();
  });
  return app;
}
