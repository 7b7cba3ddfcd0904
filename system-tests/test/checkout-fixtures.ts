import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import {
  createShopClient,
  onFreePort,
  spawnService,
  waitUntilReady,
  workspaceRoot,
  type ShopReply,
  type ShopUrls,
} from '@ecomm/cluster';
import type { Product, SagaRunView } from '@ecomm/contracts';
import {
  signTestToken,
  startTestCluster,
  testEnvironment,
  testSecrets,
  useTestFixture,
  type TestCluster,
  type TestDatabase,
} from '@ecomm/testing';
import { domainServices } from './all-services.js';

export { domainServices };

/** A checkout saga run as the admin API shows it; its input is the checkout's. */
export type SagaRun = SagaRunView & { input: { session_id: string; order_id: string; user_id: string } };

export interface Shopper {
  userId: string;
  token: string;
  sessionId: string;
}
export type Reply = Pick<ShopReply, 'status' | 'body'>;

/**
 * Payment simulation and fault injection on, a timed-out charge answered after 1.5 s, short backoffs. These tests time
 * charges out on purpose and run many checkouts at once on a busy machine: breakers that never open and a distant
 * deadline keep them on their subject (checkout-breaker and checkout-deadline tests set their own).
 */
export const testHooks = {
  payment: { PAYMENT_SIMULATION: 'true', PAYMENT_SIMULATED_DELAY_MS: '1500' },
  orchestrator: {
    PAYMENT_SIMULATION: 'true',
    SAGA_FAULT_INJECTION: 'true',
    PAYMENT_TIMEOUT_MS: '500',
    SAGA_BACKOFF_MS: '20',
    SAGA_STEP_ATTEMPTS: '3',
    RATE_LIMIT_CHECKOUT: '1000/minute',
    CIRCUIT_BREAKER_THRESHOLD: '1000',
    CHECKOUT_DEADLINE_MS: '120000',
    // A failed undo waits for the test's own retry (checkout-compensation-retry lets the sweep retry it).
    SAGA_COMPENSATION_RETRIES: '0',
  },
};

/** The five services the checkout touches, in this process, each on its own port: real HTTP between them. */
export async function startShop(
  database: TestDatabase,
  environment: Parameters<typeof startTestCluster>[2] = testHooks,
) {
  const cluster = await startTestCluster(
    { ...domainServices, orchestrator: orchestratorService },
    database,
    environment,
  );
  return { cluster, shop: shopClient(urlsOf(cluster)) };
}

/** The same for the tests of this file, on a database of its own (or `database`); `shop.cluster` is the cluster. */
export function useShop(environment: Parameters<typeof startTestCluster>[2] = testHooks, database?: TestDatabase) {
  return useTestFixture(
    async (shared) => {
      const { cluster, shop } = await startShop(shared, environment);
      return Object.assign(shop, { cluster });
    },
    (shop) => shop.cluster.stop(),
    database,
  );
}

export function urlsOf(cluster: TestCluster, orchestrator = cluster.urls.orchestrator): ShopUrls {
  const { product, order, payment, session } = cluster.urls;
  return { orchestrator: orchestrator!, product: product!, order: order!, payment: payment!, session: session! };
}

/** Fast recovery: a run whose owner has not beaten for a second is taken up by the next sweep. */
export const quickRecovery = { SAGA_HEARTBEAT_MS: '100', SAGA_STALE_AFTER_MS: '1000', SAGA_SWEEP_INTERVAL_MS: '250' };

export interface OrchestratorProcess {
  url: string;
  child: ChildProcess;
  /** Its log, one JSON line each. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
}

/**
 * The orchestrator as a real child process, so a test can watch it die (SIGKILL from a fault) and start another. A
 * port picked free here can be taken by another process before the child listens on it: the child then stops
 * (EADDRINUSE), and is started again on another port, up to three times.
 */
export async function spawnOrchestrator(
  database: TestDatabase,
  cluster: TestCluster,
  environment: Record<string, string> = {},
): Promise<OrchestratorProcess> {
  return onFreePort((port) => spawnOrchestratorOn(port, database, cluster, environment));
}

async function spawnOrchestratorOn(
  port: number,
  database: TestDatabase,
  cluster: TestCluster,
  environment: Record<string, string>,
) {
  const settings = testEnvironment({
    LOG_LEVEL: 'warn',
    ...cluster.serviceUrls,
    ...testHooks.orchestrator,
    ...quickRecovery,
    ...environment,
    DATABASE_URL: database.urlFor('orchestrator'),
    HOST: '127.0.0.1',
    PORT: String(port),
  });
  const child = spawnService(workspaceRoot(), 'orchestrator', {
    ...(process.env as Record<string, string>),
    ...settings,
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  // Once its output is read to the end too: every line it wrote is in `lines` then.
  const closed = once(child, 'close');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${url}/ready`, child, 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    await closed;
    throw new Error(`orchestrator did not start: ${(error as Error).message}\n${lines.join('\n')}`);
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  return { url, child, lines, exited, stop } satisfies OrchestratorProcess;
}

async function ok<Value>(reply: Promise<Reply>, expected = [200, 201]): Promise<Value> {
  const { status, body } = await reply;
  assert.ok(expected.includes(status), `expected ${expected.join('/')}, got ${status}: ${JSON.stringify(body)}`);
  return body as Value;
}

/** The shared shop client with what checkout tests add: products of unique names, filled carts, saga runs. */
export function shopClient(urls: ShopUrls) {
  const client = createShopClient({ urls, internalApiKey: testSecrets.INTERNAL_API_KEY });
  const shop = {
    urls,
    createProduct: (name: string, price: number, stock: number) =>
      client.createProduct({ name: `${name} ${randomUUID().slice(0, 8)}`, price, stock }),
    stockOf: async (productId: number) => (await client.product(productId)).stock,
    setStock: client.setStock,

    async newShopper(lines: { product: Product; quantity: number }[]): Promise<Shopper> {
      const userId = randomUUID();
      const sessionId = `cart-${randomUUID()}`;
      const cartLines = lines.map(({ product, quantity }) => ({ productId: product.id, quantity }));
      await client.openCart(userId, sessionId, cartLines);
      return { userId, sessionId, token: await signTestToken(userId) };
    },
    cart: async (sessionId: string) => (await client.cart(sessionId)) ?? assert.fail(`no cart ${sessionId}`),
    ordersOf: client.ordersOf,
    paymentsFor: client.paymentsFor,

    checkout: (shopper: Shopper, headers: Record<string, string> = {}) =>
      client.checkout(shopper.token, shopper.sessionId, headers),

    admin: (method: string, path: string) => client.call('orchestrator', method, `/admin/sagas${path}`),
    async sagasOf(sessionId: string, status?: string): Promise<SagaRun[]> {
      const page = await ok<{ items: SagaRun[] }>(shop.admin('GET', `?limit=100${status ? `&status=${status}` : ''}`));
      return page.items.filter((run) => run.input.session_id === sessionId);
    },
    /** The one saga run of a cart, step by step. */
    async sagaOf(sessionId: string): Promise<SagaRun> {
      const [run, ...others] = await shop.sagasOf(sessionId);
      assert.ok(run, `no saga run for ${sessionId}`);
      assert.equal(others.length, 0, `more than one saga run for ${sessionId}`);
      return ok<SagaRun>(shop.admin('GET', `/${run.saga_id}`));
    },
    async waitForSaga(sessionId: string, done: (run: SagaRun) => boolean, timeoutMs = 30_000): Promise<SagaRun> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [run] = await shop.sagasOf(sessionId);
        if (run && done(run)) return shop.sagaOf(sessionId);
        if (Date.now() > deadline)
          assert.fail(`saga of ${sessionId} still ${run?.status ?? 'absent'} after ${timeoutMs} ms`);
        await sleep(100);
      }
    },
  };
  return shop;
}

export type Shop = ReturnType<typeof shopClient>;
