import { confirmOrderSchema, createOrderSchema, listOrdersQuerySchema, orderIdParamsSchema, orderPageSchema, orderSchema } from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import type { OrderService } from './order-service.js';

export async function orderRoutes(app: ServiceApp, options: { orders: OrderService }) {
  const { orders } = options;
  const params = orderIdParamsSchema;

  app.post('/', { schema: { body: createOrderSchema, response: { 200: orderSchema, 201: orderSchema } } }, async (request, reply) => {
    const { order, created } = await orders.create(request.body);
    return reply.status(created ? 201 : 200).send(order);
  });

  app.get('/', { schema: { querystring: listOrdersQuerySchema, response: { 200: orderPageSchema } } }, async (request) =>
    orders.list(request.query),
  );

  app.get('/:order_id', { schema: { params, response: { 200: orderSchema } } }, async (request) => orders.get(request.params.order_id));

  app.post('/:order_id/confirm', { schema: { params, body: confirmOrderSchema, response: { 200: orderSchema } } }, async (request) =>
    orders.confirm(request.params.order_id, request.body.transaction_id),
  );

  app.patch('/:order_id/cancel', { schema: { params, response: { 200: orderSchema } } }, async (request) =>
    orders.cancel(request.params.order_id),
  );

  app.post('/:order_id/refund', { schema: { params, response: { 200: orderSchema } } }, async (request) =>
    orders.refund(request.params.order_id),
  );
}
