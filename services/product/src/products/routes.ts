import {
  createProductSchema,
  listProductsQuerySchema,
  productIdParamSchema,
  productPageSchema,
  productSchema,
  updateProductSchema,
} from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import { z } from 'zod';
import type { ProductService } from './product-service.js';

const productParamsSchema = z.object({ id: productIdParamSchema });

export async function productRoutes(app: ServiceApp, options: { catalog: ProductService }) {
  const { catalog } = options;

  app.post('/', { schema: { body: createProductSchema, response: { 201: productSchema } } }, async (request, reply) =>
    reply.status(201).send(await catalog.create(request.body)),
  );

  app.get(
    '/',
    { schema: { querystring: listProductsQuerySchema, response: { 200: productPageSchema } } },
    async (request) => catalog.list(request.query),
  );

  app.get('/:id', { schema: { params: productParamsSchema, response: { 200: productSchema } } }, async (request) =>
    catalog.get(request.params.id),
  );

  app.patch(
    '/:id',
    { schema: { params: productParamsSchema, body: updateProductSchema, response: { 200: productSchema } } },
    async (request) => catalog.update(request.params.id, request.body),
  );

  app.delete('/:id', { schema: { params: productParamsSchema, response: { 200: productSchema } } }, async (request) =>
    catalog.remove(request.params.id),
  );
}
