import { randomUUID } from 'node:crypto';
import type { ChatResponse, Order, Payment, Product } from '@ecomm/contracts';
import { catalogFixture } from '@ecomm/evals';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { orderService } from '@ecomm/order-service/service';
import { paymentService } from '@ecomm/payment-service/service';
import { productService } from '@ecomm/product-service/service';
import { sessionService } from '@ecomm/session-service/service';
import { internalHeaders, signTestToken, startTestCluster, startTestService, useTestFixture, type TestDatabase } from '@ecomm/testing';

type ChatBody = ChatResponse & { message?: string };

/** Every service but auth, in this process on random ports, with the orchestrator on the offline model. */
export async function startAgentShop(
  database: TestDatabase,
  orchestratorEnvironment: Record<string, string> = {},
  paymentEnvironment: Record<string, string> = {},
) {
  const orchestratorSettings = { LLM_PROVIDER: 'offline', RATE_LIMIT_CHAT: '1000/minute', ...orchestratorEnvironment };
  const cluster = await startTestCluster(
    { product: productService, order: orderService, payment: paymentService, session: sessionService, orchestrator: orchestratorService },
    database,
    { product: { ALLOW_TEST_RESET: 'true' }, payment: paymentEnvironment, orchestrator: orchestratorSettings },
  );
  const urls = cluster.urls as Record<'product' | 'order' | 'payment' | 'session' | 'orchestrator', string>;

  async function internal<T>(base: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...internalHeaders, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  const shop = {
    urls,
    /** Empties the catalog and seeds the fixture; returns the products by name. */
    async resetCatalog() {
      await internal(urls.product, '/reset_db', { method: 'POST', body: {} });
      const products: Record<string, Product> = {};
      for (const product of catalogFixture) products[product.name] = await internal<Product>(urls.product, '/', { method: 'POST', body: product });
      return products;
    },
    async newShopper() {
      const userId = randomUUID();
      return { userId, token: await signTestToken(userId), sessionId: `s-${randomUUID()}` };
    },
    async chat(shopper: { token: string; sessionId: string }, message: string, sessionId = shopper.sessionId) {
      const response = await fetch(`${urls.orchestrator}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: sessionId, message }),
      });
      return { status: response.status, body: (await response.json()) as ChatBody, headers: Object.fromEntries(response.headers) as Record<string, string> };
    },
    stock: async (productId: number) => (await internal<Product>(urls.product, `/${productId}`)).stock,
    cart: async (sessionId: string) => internal<{ items: { product_id: number; quantity: number }[]; status: string }>(urls.session, `/${sessionId}`),
    orders: async (userId: string) => (await internal<{ items: Order[] }>(urls.order, `/?user_id=${userId}`)).items,
    payments: async (orderId: string) =>
      (await internal<{ items: Payment[] }>(urls.payment, `/?order_id=${orderId}`)).items,
    /** A new orchestrator process state on the same database, as after a crash or a deploy. */
    async restartOrchestrator() {
      await cluster.apps.orchestrator!.close();
      const restarted = await startTestService(orchestratorService, database, { ...cluster.serviceUrls, ...orchestratorSettings });
      cluster.apps.orchestrator = restarted.app;
      urls.orchestrator = restarted.url;
    },
    stop: () => cluster.stop(),
  };
  return shop;
}

/** The same for the tests of this file (or of the `describe` it is called in), on a database of its own. */
export function useAgentShop(orchestratorEnvironment: Record<string, string> = {}, paymentEnvironment: Record<string, string> = {}, database?: TestDatabase) {
  return useTestFixture(
    (shared) => startAgentShop(shared, orchestratorEnvironment, paymentEnvironment),
    (shop) => shop.stop(),
    database,
  );
}

export type AgentShop = Awaited<ReturnType<typeof startAgentShop>>;
