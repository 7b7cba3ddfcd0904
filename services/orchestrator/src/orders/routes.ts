import {
  orderIdParamsSchema,
  orderOperationResultSchema,
  orderPageSchema,
  orderReturnRequestSchema,
  orderSchema,
  paginationQuerySchema,
} from '@ecomm/contracts';
import { requireUser, type ServiceApp } from '@ecomm/platform';
import type { FastifyRequest } from 'fastify';
import { faultHeader, parseFault } from '../saga/fault-injection.js';
import type { OrderService } from './order-service.js';

export interface OrderRoutesOptions {
  orders: OrderService;
  faultInjection: boolean;
}

/** The shopper's own orders (JWT): read them, cancel one before it ships, return items after delivery. */
export async function orderRoutes(app: ServiceApp, options: OrderRoutesOptions) {
  const { orders } = options;
  const params = orderIdParamsSchema;
  const operation = { params, response: { 200: orderOperationResultSchema, 202: orderOperationResultSchema } };
  // The Idempotency-Key also names the operation, so a retry after a crash past the refund (no stored answer yet)
  // finds the first run rather than starting a second refund.
  const optionsOf = (request: FastifyRequest) => {
    const header = request.headers[faultHeader];
    const key = request.headers['idempotency-key'];
    return {
      ...(options.faultInjection && typeof header === 'string' ? { fault: parseFault(header) } : {}),
      ...(typeof key === 'string' ? { operationId: key } : {}),
    };
  };

  app.get(
    '/orders',
    { config: { access: 'user' }, schema: { querystring: paginationQuerySchema, response: { 200: orderPageSchema } } },
    async (request) => orders.listOrders(requireUser(request).id, request.query),
  );

  app.get(
    '/orders/:order_id',
    { config: { access: 'user' }, schema: { params, response: { 200: orderSchema } } },
    async (request) => orders.getOrder(requireUser(request).id, request.params.order_id),
  );

  app.post('/orders/:order_id/cancel', { config: { access: 'user' }, schema: operation }, async (request, reply) => {
    const result = await orders.cancelOrder(requireUser(request).id, request.params.order_id, optionsOf(request));
    return reply.status(result.status === 'completed' ? 200 : 202).send(result);
  });

  app.post(
    '/orders/:order_id/returns',
    { config: { access: 'user' }, schema: { ...operation, body: orderReturnRequestSchema } },
    async (request, reply) => {
      const result = await orders.returnItems(
        requireUser(request).id,
        request.params.order_id,
        request.body.lines,
        optionsOf(request),
      );
      return reply.status(result.status === 'completed' ? 200 : 202).send(result);
    },
  );
}
