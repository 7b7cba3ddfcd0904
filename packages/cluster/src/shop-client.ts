import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import {
  accessTokenSchema,
  cartSchema,
  chatResponseSchema,
  orderPageSchema,
  paymentListSchema,
  productSchema,
  userProfileSchema,
  type ChatResponse,
  type CreateProduct,
  type Order,
} from '@ecomm/contracts';

/** Where the services answer; auth is optional because in-process test clusters often run without it. */
export interface ShopUrls {
  orchestrator: string;
  product: string;
  order: string;
  payment: string;
  session: string;
  auth?: string;
}
export interface ShopReply {
  status: number;
  body: Record<string, unknown> & { message?: string; code?: string };
  headers: Record<string, string>;
}
/** `body` is the chat contract's answer on a 200 (checked); on a refusal it holds only `message` and `code`. */
export type ChatReply = ShopReply & { body: ChatResponse & { message?: string; code?: string }; latencyMs: number };
type Service = keyof ShopUrls;

export interface ShopClientOptions {
  urls: ShopUrls;
  internalApiKey: string;
  /** Told when the client waits out the auth service's rate limit. */
  onNotice?: (message: string) => void;
}

/** Each header as one string, repeated ones joined as fetch's Headers join them. */
const headerValues = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );

/**
 * The services' HTTP APIs as tests, benchmarks and evals drive them; answers read through the contracts' schemas.
 * Through undici's `request`, not `fetch`: the bench's users share the cluster's cores, and fetch cost them about
 * 1.7 ms of CPU a request, a sixth of the machine under the checkout load (docs/operations.md, Performance).
 */
export function createShopClient({ urls, internalApiKey, onNotice }: ShopClientOptions) {
  /** Any route, with the internal key (harmless on user routes): the answer as it came, non-JSON text as `message`. */
  async function call(
    service: Service,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ShopReply> {
    const url = `${urls[service] ?? missing(service)}${path}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: {
          'x-internal-api-key': internalApiKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      throw new Error(`${method} ${url} failed: ${reason}`, { cause: error });
    }
    const text = await response.body.text();
    return { status: response.statusCode, body: parseBody(text), headers: headerValues(response.headers) };
  }

  /** The body of a 2xx answer; anything else is an error naming the request and the answer. */
  async function ok(service: Service, method: string, path: string, body?: unknown): Promise<unknown> {
    const reply = await call(service, method, path, body);
    if (reply.status >= 300) failed(`${method} ${service} ${path}`, reply);
    return reply.body;
  }

  /** Auth limits sign-ups per client: a run waits for the window rather than failing. */
  async function patiently(path: string, body: unknown) {
    for (;;) {
      const reply = await call('auth', 'POST', path, body);
      if (reply.status >= 300 && reply.status !== 429) failed(`POST auth ${path}`, reply);
      if (reply.status !== 429) return reply.body;
      const hint = reply.headers['retry-after'] ?? /retry in (\d+)/.exec(String(reply.body.message))?.[1];
      const seconds = Number(hint ?? 5);
      onNotice?.(
        `The auth service's rate limit was hit; waiting ${seconds} s` +
          ' (start the cluster with RATE_LIMIT_AUTH=1000/minute to avoid this).',
      );
      await sleep(seconds * 1000);
    }
  }

  return {
    urls,
    call,
    ready: () => ok('orchestrator', 'GET', '/ready'),

    resetCatalog: () => ok('product', 'POST', '/reset_db', {}),
    createProduct: async (product: CreateProduct) => productSchema.parse(await ok('product', 'POST', '/', product)),
    product: async (productId: number) => productSchema.parse(await ok('product', 'GET', `/${productId}`)),
    setStock: async (productId: number, stock: number) =>
      productSchema.parse(await ok('product', 'PATCH', `/${productId}`, { stock })),

    async register(email: string, password: string) {
      const profile = userProfileSchema.parse(await patiently('/auth/register', { email, password }));
      const login = accessTokenSchema.parse(await patiently('/auth/login', { email, password }));
      return { userId: profile.id, token: login.access_token };
    },

    async openCart(userId: string, sessionId: string, lines: { productId: number; quantity: number }[] = []) {
      await ok('session', 'POST', '/', { user_id: userId, session_id: sessionId });
      for (const { productId, quantity } of lines) {
        await ok('session', 'POST', `/${sessionId}/items`, { product_id: productId, quantity });
      }
    },
    /** A session that was never used has no cart: null. */
    async cart(sessionId: string) {
      const reply = await call('session', 'GET', `/${sessionId}`);
      if (reply.status === 404) return null;
      if (reply.status >= 300) failed(`GET session /${sessionId}`, reply);
      return cartSchema.parse(reply.body);
    },

    checkout: (token: string, sessionId: string, headers: Record<string, string> = {}) =>
      call('orchestrator', 'POST', '/checkout', { session_id: sessionId }, { ...bearer(token), ...headers }),
    /** A chat turn, refusals included; a 200 answer is checked against the chat contract. */
    async chat(token: string, sessionId: string, message: string): Promise<ChatReply> {
      const started = performance.now();
      const reply = await call('orchestrator', 'POST', '/chat', { session_id: sessionId, message }, bearer(token));
      const latencyMs = performance.now() - started;
      const body = reply.status === 200 ? chatResponseSchema.parse(reply.body) : reply.body;
      return { ...reply, body: body as ChatReply['body'], latencyMs };
    },

    /** Every order of the user, page by page. */
    async ordersOf(userId: string): Promise<Order[]> {
      const orders: Order[] = [];
      for (let offset = 0; ; offset += 100) {
        const query = `?user_id=${encodeURIComponent(userId)}&limit=100&offset=${offset}`;
        const page = orderPageSchema.parse(await ok('order', 'GET', `/${query}`));
        orders.push(...page.items);
        if (orders.length >= page.total || page.items.length === 0) return orders;
      }
    },
    ship: (orderId: string) => ok('order', 'POST', `/${orderId}/ship`, {}),
    deliver: (orderId: string) => ok('order', 'POST', `/${orderId}/deliver`, {}),
    paymentsFor: async (orderId: string) =>
      paymentListSchema.parse(await ok('payment', 'GET', `/?order_id=${orderId}`)).items,
  };
}

export type ShopClient = ReturnType<typeof createShopClient>;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function parseBody(text: string): ShopReply['body'] {
  if (!text) return {};
  try {
    return JSON.parse(text) as ShopReply['body'];
  } catch {
    return { message: text };
  }
}

function failed(what: string, reply: ShopReply): never {
  throw new Error(`${what} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
}

function missing(service: string): never {
  throw new Error(`No URL for the ${service} service was given to the shop client`);
}
