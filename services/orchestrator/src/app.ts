import rateLimit from '@fastify/rate-limit';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  breakerStateValues,
  createBusinessMetrics,
  createDatabaseServiceApp,
  createTokenService,
  postgresRateLimitStore,
  pruneRateLimitCounters,
  rateLimitError,
  runInBackground,
  withMigrationLock,
  type ServiceApp,
} from '@ecomm/platform';
import { adminRoutes } from './admin/routes.js';
import { confirmStillAdmin } from './admin/still-admin.js';
import { createChatModel } from './agents/chat-model.js';
import { buildShoppingGraph } from './agents/graph/shopping-graph.js';
import { createCheckoutTools } from './agents/tools/checkout-tools.js';
import { createOrderTools } from './agents/tools/order-tools.js';
import { createSalesTools } from './agents/tools/sales-tools.js';
import { createChatService } from './chat/chat-service.js';
import { chatRoutes } from './chat/routes.js';
import { createThreadRepository } from './chat/thread-repository.js';
import { ConversationCheckpointer } from './chat/conversation-checkpointer.js';
import { checkoutSaga } from './checkout/checkout-saga.js';
import { createCheckoutService } from './checkout/checkout-service.js';
import { checkoutRoutes } from './checkout/routes.js';
import { createDomainClients } from './clients/domain-clients.js';
import type { OrchestratorConfig } from './config.js';
import { idempotencyKeys, rateLimitCounters } from './database/schema.js';
import { createConfirmations } from './mcp/confirmations.js';
import { mcpRoutes } from './mcp/routes.js';
import { cancellationSaga } from './orders/cancellation-saga.js';
import { createFulfilmentSimulation } from './orders/fulfilment-simulation.js';
import { createOrderService } from './orders/order-service.js';
import { countRefund } from './orders/refund-metrics.js';
import { returnSaga } from './orders/return-saga.js';
import { orderRoutes } from './orders/routes.js';
import { createShoppingService } from './shopping/shopping-service.js';
import { createSagaRecovery } from './saga/saga-recovery.js';
import { createSagaRegistry } from './saga/saga-registry.js';
import { createSagaRepository } from './saga/saga-repository.js';
import { createSagaRunner } from './saga/saga-runner.js';
import { accountRelayRoutes } from './web/account-routes.js';
import { operatorRoutes } from './web/operator-routes.js';
import { shopRoutes } from './web/shop-routes.js';
import { bundledWebDist, staticSite } from './web/static-site.js';

const pruneIntervalMs = 60 * 60 * 1000;

export interface AppDependencies {
  /** Replaces the configured model, e.g. with a scripted one in tests. */
  chatModel?: BaseChatModel;
}

export async function buildApp(config: OrchestratorConfig, dependencies: AppDependencies = {}) {
  const { app, database } = createDatabaseServiceApp({
    service: 'orchestrator',
    config,
    idempotencyTable: idempotencyKeys,
    docsAccess: 'public',
  });
  await app.register(rateLimit, {
    global: false,
    // Counters in this service's schema: every replica counts against the same limit.
    store: postgresRateLimitStore(database.db, rateLimitCounters),
    errorResponseBuilder: rateLimitError,
  });
  const metrics = createBusinessMetrics(app.metrics);
  const tokens = createTokenService({
    secret: config.JWT_SECRET,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  const clients = createDomainClients(config, (upstream, state) =>
    metrics.circuitBreakerState.set({ upstream }, breakerStateValues[state]),
  );
  const sagaRepository = createSagaRepository(database.db);
  const runnerOptions = {
    repository: sagaRepository,
    logger: app.log,
    heartbeatMs: config.SAGA_HEARTBEAT_MS,
    attempts: config.SAGA_STEP_ATTEMPTS,
    backoffMs: config.SAGA_BACKOFF_MS,
    onCompensation: (step: string, outcome: 'compensated' | 'failed') =>
      metrics.sagaCompensations.inc({ step_name: step, outcome }),
    // Refunds are counted when their saga completes, so one finished later by the sweep counts too, and only once.
    onCompleted: (type: string, data: unknown) => countRefund(metrics, type, data),
  };
  const runner = createSagaRunner(checkoutSaga(clients), runnerOptions);
  const cancellations = createSagaRunner(cancellationSaga(clients), runnerOptions);
  const returns = createSagaRunner(returnSaga(clients), runnerOptions);
  const sagas = createSagaRegistry(sagaRepository, {
    [runner.definition.type]: runner,
    [cancellations.definition.type]: cancellations,
    [returns.definition.type]: returns,
  });
  const recovery = createSagaRecovery({
    repository: sagaRepository,
    runner: sagas,
    logger: app.log,
    staleAfterMs: config.SAGA_STALE_AFTER_MS,
    compensationRetry: { firstAfterMs: config.SAGA_COMPENSATION_RETRY_MS, most: config.SAGA_COMPENSATION_RETRIES },
  });
  const fulfilment = config.FULFILLMENT_SIMULATION
    ? createFulfilmentSimulation({
        clients,
        logger: app.log,
        shipAfterMs: config.FULFILLMENT_SHIP_AFTER_MS,
        deliverAfterMs: config.FULFILLMENT_DELIVER_AFTER_MS,
      })
    : undefined;
  const checkout = createCheckoutService({
    runner,
    logger: app.log,
    deadlineMs: config.CHECKOUT_DEADLINE_MS,
    observer: {
      finished: (status, seconds) => {
        metrics.checkouts.inc({ status });
        metrics.checkoutDuration.observe(seconds);
      },
      ...(fulfilment ? { paid: fulfilment.orderPaid } : {}),
    },
  });

  const orders = createOrderService({
    clients,
    cancellations,
    returns,
    observer: { finished: (operation, outcome) => metrics.orderOperations.inc({ operation, outcome }) },
  });

  // Conversation memory: LangGraph checkpoints in this service's own schema, one thread per user and session.
  const checkpointer = new ConversationCheckpointer(database.pool, 'orchestrator');
  // Its tables are created outside the migrations: under their lock, so replicas starting together do not collide.
  await withMigrationLock(database.pool, 'orchestrator', () => checkpointer.setup());
  const configured = createChatModel(config);
  const model = dependencies.chatModel ?? configured.model;
  const modelName = dependencies.chatModel ? dependencies.chatModel._llmType() : configured.modelName;
  const shopping = createShoppingService(clients);
  const salesTools = createSalesTools(shopping);
  const checkoutTools = createCheckoutTools(shopping, checkout, {
    confirmation: config.CHECKOUT_CONFIRMATION === 'required',
  });
  const graph = buildShoppingGraph({
    model,
    modelName,
    checkpointer,
    salesTools: [
      salesTools.searchProducts,
      salesTools.addToCart,
      salesTools.updateCartQuantity,
      salesTools.removeFromCart,
      salesTools.viewCart,
    ],
    checkoutTools: [checkoutTools.viewCart, checkoutTools.checkout],
    orderTools: createOrderTools(orders),
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
  await app.register(orderRoutes, { orders, faultInjection: config.SAGA_FAULT_INJECTION });
  const confirmations = createConfirmations({
    db: database.db,
    secret: config.JWT_SECRET,
    ttlSeconds: config.MCP_CONFIRMATION_TTL_SECONDS,
  });
  await app.register(mcpRoutes, {
    dependencies: { clients, shopping, checkout, orders, confirmations, log: app.log },
    tokens,
    authorizationServer: config.MCP_AUTHORIZATION_SERVER,
    rateLimit: config.RATE_LIMIT_MCP,
  });
  await app.register(chatRoutes, {
    chat,
    tokens,
    rateLimit: config.RATE_LIMIT_CHAT,
    heartbeatMs: config.CHAT_STREAM_HEARTBEAT_MS,
  });
  await app.register(accountRelayRoutes, { clients, rateLimit: config.RATE_LIMIT_AUTH });
  await app.register(shopRoutes, { clients });
  await app.register(async (operatorApp: ServiceApp) => {
    operatorApp.addHook('preHandler', confirmStillAdmin(clients.accounts));
    await operatorApp.register(adminRoutes, { repository: sagaRepository, resume: sagas.resume });
    await operatorApp.register(operatorRoutes, { clients, sagas: sagaRepository });
  });
  // In production the image's own copy of the page is served unless WEB_DIST_DIR names another; `pnpm start` sets it.
  const webRoot = config.WEB_DIST_DIR || (config.NODE_ENV === 'production' ? bundledWebDist() : undefined);
  if (webRoot) await app.register(staticSite, { root: webRoot });

  runInBackground(app, {
    name: 'pruning old rows',
    everyMs: pruneIntervalMs,
    run: () =>
      Promise.all([
        chat.pruneIdleThreads(config.CHAT_THREAD_TTL_HOURS),
        sagaRepository.pruneFinished(config.SAGA_RETENTION_HOURS),
        pruneRateLimitCounters(database.db, rateLimitCounters),
      ]),
  });
  app.addHook('onClose', async () => {
    fulfilment?.stop();
    await clients.close();
  });
  // Registered after the hook above: onClose hooks run last registered first, so a sweep under way finishes (and its
  // runs reach their next durable point) before the clients close.
  runInBackground(app, { name: 'the saga sweep', everyMs: config.SAGA_SWEEP_INTERVAL_MS, run: recovery.sweep });
  return app;
}
