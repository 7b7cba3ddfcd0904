import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Order, Payment } from '@ecomm/contracts';

export interface BenchUrls {
  orchestrator: string;
  product: string;
  order: string;
  payment: string;
  session: string;
  auth: string;
}

export interface BenchUser { id: string; token: string }
interface Reply { status: number; body: Record<string, unknown> }

/** The cluster's services by HTTP, as a client outside the cluster sees them. */
export function benchShop(urls: BenchUrls, internalApiKey: string) {
  async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-internal-api-key': internalApiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function expect<Value>(reply: Promise<Reply>, what: string): Promise<Value> {
    const { status, body } = await reply;
    if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
    return body as Value;
  }

  /** Auth is rate-limited per client: wait out a 429 rather than fail the run. */
  async function patiently(request: () => Promise<Reply>, what: string) {
    for (;;) {
      const reply = await request();
      if (reply.status !== 429) return expect<Record<string, unknown>>(Promise.resolve(reply), what);
      const seconds = Number(/retry in (\d+)/.exec(String(reply.body.message))?.[1] ?? 5);
      console.log(`  auth rate limit reached; waiting ${seconds} s (start the cluster with RATE_LIMIT_AUTH=1000/minute to avoid this)`);
      await sleep(seconds * 1000);
    }
  }

  return {
    ready: () => expect(call(urls.orchestrator, 'GET', '/ready'), 'orchestrator /ready'),
    createProduct: (name: string, price: number, stock: number) =>
      expect<{ id: number }>(call(urls.product, 'POST', '/', { name, price, stock, category: 'Benchmark' }), 'create product'),
    stockOf: async (productId: number) => (await expect<{ stock: number }>(call(urls.product, 'GET', `/${productId}`), 'read product')).stock,

    async registerUser(email: string, password: string): Promise<BenchUser> {
      const profile = await patiently(() => call(urls.auth, 'POST', '/auth/register', { email, password }), 'register');
      const login = await patiently(() => call(urls.auth, 'POST', '/auth/login', { email, password }), 'login');
      return { id: String(profile.id), token: String(login.access_token) };
    },

    async fillCart(user: BenchUser, lines: { productId: number; quantity: number }[]) {
      const sessionId = `bench-${randomUUID()}`;
      await expect(call(urls.session, 'POST', '/', { user_id: user.id, session_id: sessionId }), 'open cart');
      for (const line of lines) {
        await expect(call(urls.session, 'POST', `/${sessionId}/items`, { product_id: line.productId, quantity: line.quantity }), 'add to cart');
      }
      return sessionId;
    },
    cartItems: async (sessionId: string) => (await expect<{ items: unknown[] }>(call(urls.session, 'GET', `/${sessionId}`), 'read cart')).items,

    checkout: (user: BenchUser, sessionId: string) =>
      call(urls.orchestrator, 'POST', '/checkout', { session_id: sessionId }, { authorization: `Bearer ${user.token}` }),
    chat: (user: BenchUser, sessionId: string, message: string) =>
      expect<{ response: string; orders: unknown[] }>(
        call(urls.orchestrator, 'POST', '/chat', { session_id: sessionId, message }, { authorization: `Bearer ${user.token}` }),
        'chat',
      ),

    async ordersOf(userId: string): Promise<Order[]> {
      const orders: Order[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await expect<{ items: Order[]; total: number }>(call(urls.order, 'GET', `/?user_id=${userId}&limit=100&offset=${offset}`), 'list orders');
        orders.push(...page.items);
        if (orders.length >= page.total || page.items.length === 0) return orders;
      }
    },
    paymentsFor: async (orderId: string) =>
      (await expect<{ items: Payment[] }>(call(urls.payment, 'GET', `/?order_id=${orderId}`), 'list payments')).items,
  };
}

export type BenchShop = ReturnType<typeof benchShop>;

export function percentile(sorted: number[], share: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}
