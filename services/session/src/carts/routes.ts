import {
  addCartItemSchema,
  cartPageSchema,
  cartSchema,
  clientIdSchema,
  createSessionSchema,
  listSessionsQuerySchema,
  productIdParamSchema,
  sessionStatsSchema,
  setCartItemSchema,
} from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import { z } from 'zod';
import type { CartService } from './cart-service.js';

/** Path ids are checked like body ids, so a malformed one gets a 400 rather than a 404. */
export const sessionParamsSchema = z.object({ session_id: clientIdSchema });
const itemParamsSchema = sessionParamsSchema.extend({ product_id: productIdParamSchema });

export async function cartRoutes(app: ServiceApp, options: { carts: CartService }) {
  const { carts } = options;

  app.post(
    '/',
    { schema: { body: createSessionSchema, response: { 200: cartSchema, 201: cartSchema } } },
    async (request, reply) => {
      const { cart, created } = await carts.create(request.body);
      return reply.status(created ? 201 : 200).send(cart);
    },
  );

  app.get(
    '/',
    { schema: { querystring: listSessionsQuerySchema, response: { 200: cartPageSchema } } },
    async (request) => carts.list(request.query),
  );

  app.get('/stats', { schema: { response: { 200: sessionStatsSchema } } }, async () => carts.stats());

  app.get('/:session_id', { schema: { params: sessionParamsSchema, response: { 200: cartSchema } } }, async (request) =>
    carts.get(request.params.session_id),
  );

  app.post(
    '/:session_id/items',
    { schema: { params: sessionParamsSchema, body: addCartItemSchema, response: { 200: cartSchema } } },
    async (request) => carts.addItem(request.params.session_id, request.body),
  );

  app.put(
    '/:session_id/items/:product_id',
    { schema: { params: itemParamsSchema, body: setCartItemSchema, response: { 200: cartSchema } } },
    async (request) => carts.setItem(request.params.session_id, request.params.product_id, request.body.quantity),
  );

  app.delete(
    '/:session_id/items/:product_id',
    { schema: { params: itemParamsSchema, response: { 200: cartSchema } } },
    async (request) => carts.removeItem(request.params.session_id, request.params.product_id),
  );

  app.delete(
    '/:session_id/items',
    { schema: { params: sessionParamsSchema, response: { 200: cartSchema } } },
    async (request) => carts.clear(request.params.session_id),
  );
}
