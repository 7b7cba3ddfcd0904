import { cancellationIdSchema, orderIdParamsSchema, orderSchema, refundQuoteSchema } from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import type { OrderService } from './order-service.js';

/** The steps of the orchestrator's cancellation saga: quote, hold the order, then give it back or cancel it. */
export async function cancellationRoutes(app: ServiceApp, options: { orders: OrderService }) {
  const { orders } = options;
  const params = orderIdParamsSchema;
  const step = { params, body: cancellationIdSchema, response: { 200: orderSchema } };

  app.get(
    '/:order_id/cancellation-quote',
    { schema: { params, response: { 200: refundQuoteSchema } } },
    async (request) => orders.quoteCancellation(request.params.order_id),
  );
  app.post('/:order_id/cancellation', { schema: step }, async (request) =>
    orders.beginCancellation(request.params.order_id, request.body.cancellation_id),
  );
  app.post('/:order_id/cancellation/abort', { schema: step }, async (request) =>
    orders.abortCancellation(request.params.order_id, request.body.cancellation_id),
  );
  app.post('/:order_id/cancellation/complete', { schema: step }, async (request) =>
    orders.completeCancellation(request.params.order_id, request.body.cancellation_id),
  );
}
