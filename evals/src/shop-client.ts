import { randomUUID } from 'node:crypto';
import type { AccessToken, Cart, ChatResponse, OrderPage, PaymentList, Product } from '@ecomm/contracts';
import { catalogFixture } from './catalog-fixture.js';

/** Where the cluster under evaluation answers, and the key its internal routes require. */
export interface ShopTarget {
  urls: { orchestrator: string; product: string; order: string; payment: string; session: string; auth: string };
  internalApiKey: string;
}

export interface Shopper {
  userId: string;
  token: string;
  sessionId: string;
}

export interface ChatOutcome {
  status: number;
  body: ChatResponse | { message?: string; error?: string } | null;
  latencyMs: number;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** fetch, with the address and the network error's code in the message when the request cannot be made at all. */
async function request(url: string, init: RequestInit) {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`${init.method ?? 'GET'} ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
  }
}

/** The services' HTTP APIs as the eval runner uses them: reset and seed, sign up, chat, and read the state back. */
export function createShopClient(target: ShopTarget, options: { onNotice?: (message: string) => void } = {}) {
  const internalHeaders = { 'x-internal-api-key': target.internalApiKey };

  async function send<T>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const response = await request(url, {
      method: init.method ?? 'GET',
      headers: { ...init.headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  const internal = <T>(url: string, init: { method?: string; body?: unknown } = {}) => send<T>(url, { ...init, headers: internalHeaders });

  /** Auth limits sign-ups per minute; a run against a shared cluster waits for the window rather than failing. */
  async function publicAuth<T>(path: string, body: unknown): Promise<T> {
    for (;;) {
      const response = await request(`${target.urls.auth}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after') ?? 5);
        options.onNotice?.(`The auth service's rate limit was hit; waiting ${seconds} s (start the cluster with RATE_LIMIT_AUTH=1000/minute to avoid this).`);
        await sleep(seconds * 1000);
        continue;
      }
      if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    }
  }

  return {
    /** Empties the catalog and seeds the fixture; returns the new products by name. */
    async resetCatalog(): Promise<Map<string, Product>> {
      try {
        await internal(`${target.urls.product}/reset_db`, { method: 'POST', body: {} });
      } catch (error) {
        if (/answered 404/.test((error as Error).message)) {
          throw new Error('The product service has no POST /reset_db: start the cluster with ALLOW_TEST_RESET=true.');
        }
        throw error;
      }
      const products = new Map<string, Product>();
      for (const product of catalogFixture) products.set(product.name, await internal<Product>(`${target.urls.product}/`, { method: 'POST', body: product }));
      return products;
    },

    /** A new account, signed up and logged in through the auth service, with a session id of its own. */
    async registerShopper(): Promise<Shopper> {
      const credentials = { email: `eval-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };
      const profile = await publicAuth<{ id: string }>('/auth/register', credentials);
      const { access_token } = await publicAuth<AccessToken>('/auth/login', credentials);
      return { userId: profile.id, token: access_token, sessionId: `eval-${randomUUID()}` };
    },

    async chat(token: string, sessionId: string, message: string): Promise<ChatOutcome> {
      const started = performance.now();
      const response = await request(`${target.urls.orchestrator}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: sessionId, message }),
      });
      const text = await response.text();
      const latencyMs = performance.now() - started;
      let body: ChatOutcome['body'] = null;
      try {
        body = JSON.parse(text) as ChatOutcome['body'];
      } catch {
        body = { message: text };
      }
      return { status: response.status, body, latencyMs };
    },

    stock: async (productId: number) => (await internal<Product>(`${target.urls.product}/${productId}`)).stock,

    orders: async (userId: string) =>
      (await internal<OrderPage>(`${target.urls.order}/?user_id=${encodeURIComponent(userId)}&limit=100`)).items,

    /** The operator's part: ships, then delivers if asked, every paid or shipped order of the user. */
    async fulfil(userId: string, status: 'shipped' | 'delivered') {
      const orders = (await internal<OrderPage>(`${target.urls.order}/?user_id=${encodeURIComponent(userId)}&limit=100`)).items;
      for (const order of orders) {
        if (order.status === 'paid') await internal(`${target.urls.order}/${order.order_id}/ship`, { method: 'POST', body: {} });
        if (status === 'delivered' && (order.status === 'paid' || order.status === 'shipped')) {
          await internal(`${target.urls.order}/${order.order_id}/deliver`, { method: 'POST', body: {} });
        }
      }
    },

    payments: async (orderId: string) => (await internal<PaymentList>(`${target.urls.payment}/?order_id=${orderId}`)).items,

    /** A session that was never used has no cart: that is an empty one. */
    async cart(sessionId: string): Promise<Cart['items']> {
      const response = await request(`${target.urls.session}/${sessionId}`, { headers: internalHeaders });
      if (response.status === 404) return [];
      if (!response.ok) throw new Error(`GET session ${sessionId} answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as Cart).items;
    },
  };
}

export type ShopClient = ReturnType<typeof createShopClient>;
