import { internalHeaders } from '@ecomm/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A charge of the order, as the checkout's saga asks for it (with the internal key, and any headers added). */
export function charge(
  app: FastifyInstance,
  orderId: string,
  amount = 30,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/',
    headers: { ...internalHeaders, ...headers },
    payload: { order_id: orderId, amount },
  });
}
