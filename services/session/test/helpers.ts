import { randomUUID } from 'node:crypto';
import { internalHeaders } from '@ecomm/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Calls the app in-process with the internal key, as the orchestrator would over HTTP. */
export function caller(app: () => FastifyInstance) {
  return (
    method: Method,
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app().inject({
      method,
      url,
      headers: { ...internalHeaders, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
}

export function uniqueId(prefix: string) {
  return `${prefix}-${randomUUID()}`;
}

/** The two lines every claim test's cart holds. */
export const cartItems = [
  { product_id: 5, quantity: 2 },
  { product_id: 3, quantity: 1 },
];

/** A new cart of `shopper` holding `cartItems`; its session id. */
export async function cartOf(call: ReturnType<typeof caller>) {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  for (const item of cartItems) await call('POST', `/${sessionId}/items`, item);
  return sessionId;
}
