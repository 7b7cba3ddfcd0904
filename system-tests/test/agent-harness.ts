import { randomUUID } from 'node:crypto';
import { createShopClient } from '@ecomm/cluster';
import type { Product } from '@ecomm/contracts';
import { catalogFixture } from '@ecomm/evals';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { orderService } from '@ecomm/order-service/service';
import { paymentService } from '@ecomm/payment-service/service';
import { productService } from '@ecomm/product-service/service';
import { sessionService } from '@ecomm/session-service/service';
import {
  signTestToken,
  startTestCluster,
  startTestService,
  testSecrets,
  useTestFixture,
  type TestDatabase,
} from '@ecomm/testing';

/** Every service but auth, in this process on random ports, with the orchestrator on the offline model. */
export async function startAgentShop(
  database: TestDatabase,
  orchestratorEnvironment: Record<string, string> = {},
  paymentEnvironment: Record<string, string> = {},
) {
  const orchestratorSettings = { LLM_PROVIDER: 'offline', RATE_LIMIT_CHAT: '1000/minute', ...orchestratorEnvironment };
  const cluster = await startTestCluster(
    {
      product: productService,
      order: orderService,
      payment: paymentService,
      session: sessionService,
      orchestrator: orchestratorService,
    },
    database,
    { product: { ALLOW_TEST_RESET: 'true' }, payment: paymentEnvironment, orchestrator: orchestratorSettings },
  );
  const urls = cluster.urls as Record<'product' | 'order' | 'payment' | 'session' | 'orchestrator', string>;
  // The client reads `urls` at each call, so a restarted orchestrator is reached at its new address.
  const client = createShopClient({ urls, internalApiKey: testSecrets.INTERNAL_API_KEY });

  const shop = {
    urls,
    /** Empties the catalog and seeds the fixture; returns the products by name. */
    async resetCatalog() {
      await client.resetCatalog();
      const products: Record<string, Product> = {};
      for (const product of catalogFixture) products[product.name] = await client.createProduct(product);
      return products;
    },
    async newShopper() {
      const userId = randomUUID();
      return { userId, token: await signTestToken(userId), sessionId: `s-${randomUUID()}` };
    },
    chat: (shopper: { token: string; sessionId: string }, message: string, sessionId = shopper.sessionId) =>
      client.chat(shopper.token, sessionId, message),
    stock: async (productId: number) => (await client.product(productId)).stock,
    async cart(sessionId: string) {
      const cart = await client.cart(sessionId);
      if (!cart) throw new Error(`GET session /${sessionId} answered 404: the session has no cart`);
      return cart;
    },
    orders: client.ordersOf,
    payments: client.paymentsFor,
    /** A new orchestrator process state on the same database, as after a crash or a deploy. */
    async restartOrchestrator() {
      await cluster.apps.orchestrator!.close();
      const restarted = await startTestService(orchestratorService, database, {
        ...cluster.serviceUrls,
        ...orchestratorSettings,
      });
      cluster.apps.orchestrator = restarted.app;
      urls.orchestrator = restarted.url;
    },
    stop: () => cluster.stop(),
  };
  return shop;
}

/** The same for the tests of this file (or of the `describe` it is called in), on a database of its own. */
export function useAgentShop(
  orchestratorEnvironment: Record<string, string> = {},
  paymentEnvironment: Record<string, string> = {},
  database?: TestDatabase,
) {
  return useTestFixture(
    (shared) => startAgentShop(shared, orchestratorEnvironment, paymentEnvironment),
    (shop) => shop.stop(),
    database,
  );
}

export type AgentShop = Awaited<ReturnType<typeof startAgentShop>>;
