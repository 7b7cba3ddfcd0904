import {
  confirmOrderSchema,
  createOrderSchema,
  listOrdersQuerySchema,
  orderIdParamsSchema,
  orderPageSchema,
  orderSchema,
} from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import type { OrderService } from './order-service.js';

/** Internal routes: the checkout and cancellation sagas, and operators moving orders through fulfilment. */
export async function orderRoutes(app: ServiceApp, options: { orders: OrderService }) {
  const { orders } = options;
  const params = orderIdParamsSchema;
  const answersOrder = { params, response: { 200: orderSchema } };

  app.post(
    '/',
    { schema: { body: createOrderSchema, response: { 200: orderSchema, 201: orderSchema } } },
    async (request, reply) => {
      const { order, created } = await orders.create(request.body);
      return reply.status(created ? 201 : 200).send(order);
    },
  );

  app.get(
    '/',
    { schema: { querystring: listOrdersQuerySchema, response: { 200: orderPageSchema } } },
    async (request) => orders.list(request.query),
  );

  app.get('/:order_id', { schema: answersOrder }, async (request) => orders.get(request.params.order_id));

  app.post('/:order_id/confirm', { schema: { ...answersOrder, body: confirmOrderSchema } }, async (request) =>
    orders.confirm(request.params.order_id, request.body.transaction_id),
  );

  app.patch('/:order_id/cancel', { schema: answersOrder }, async (request) => orders.cancel(request.params.order_id));

  app.post('/:order_id/ship', { schema: answersOrder }, async (request) => orders.ship(request.params.order_id));
  app.post('/:order_id/deliver', { schema: answersOrder }, async (request) => orders.deliver(request.params.order_id));
}
