import {
  orderIdParamsSchema,
  orderReturnRequestSchema,
  orderReturnSchema,
  refundQuoteSchema,
  returnParamsSchema,
  startReturnSchema,
} from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import type { ReturnService } from './return-service.js';

/** The steps of the orchestrator's return saga: quote, start (units counted as returned), then complete or abort. */
export async function returnRoutes(app: ServiceApp, options: { returns: ReturnService }) {
  const { returns } = options;
  const params = orderIdParamsSchema;
  const finish = { params: returnParamsSchema, response: { 200: orderReturnSchema } };

  app.post(
    '/:order_id/return-quote',
    { schema: { params, body: orderReturnRequestSchema, response: { 200: refundQuoteSchema } } },
    async (request) => returns.quote(request.params.order_id, request.body.lines),
  );
  app.post(
    '/:order_id/returns',
    { schema: { params, body: startReturnSchema, response: { 200: orderReturnSchema, 201: orderReturnSchema } } },
    async (request, reply) => {
      const { orderReturn, created } = await returns.start(
        request.params.order_id,
        request.body.return_id,
        request.body.lines,
      );
      return reply.status(created ? 201 : 200).send(orderReturn);
    },
  );
  app.post('/:order_id/returns/:return_id/complete', { schema: finish }, async (request) =>
    returns.complete(request.params.order_id, request.params.return_id),
  );
  app.post('/:order_id/returns/:return_id/abort', { schema: finish }, async (request) =>
    returns.abort(request.params.order_id, request.params.return_id),
  );
}
