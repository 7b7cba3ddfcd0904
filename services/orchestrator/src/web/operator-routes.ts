import { randomUUID } from 'node:crypto';
import {
  createProductSchema,
  listProductsQuerySchema,
  operatorSummarySchema,
  productIdParamSchema,
  productPageSchema,
  productSchema,
  updateProductSchema,
} from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import { z } from 'zod';
import type { DomainClients } from '../clients/domain-clients.js';
import type { SagaRepository } from '../saga/saga-repository.js';

const summaryWindowMinutes = 5;
const productParamsSchema = z.object({ id: productIdParamSchema });

/**
 * The operator console's catalog and summary, for an admin JWT or the internal key. The catalog calls go to the
 * product service, which applies its own rules (e.g. a product held by a reservation cannot be deleted).
 */
export async function operatorRoutes(app: ServiceApp, options: { clients: DomainClients; sagas: SagaRepository }) {
  const { products, carts } = options.clients;
  const config = { access: 'admin' } as const;

  app.get(
    '/admin/products',
    { config, schema: { querystring: listProductsQuerySchema, response: { 200: productPageSchema } } },
    async (request) => products.search(request.query),
  );

  app.post(
    '/admin/products',
    { config, schema: { body: createProductSchema, response: { 201: productSchema } } },
    async (request, reply) =>
      reply.status(201).send(await products.create(request.body, `operator-create:${randomUUID()}`)),
  );

  app.patch(
    '/admin/products/:id',
    { config, schema: { params: productParamsSchema, body: updateProductSchema, response: { 200: productSchema } } },
    async (request) => products.update(request.params.id, request.body),
  );

  app.delete(
    '/admin/products/:id',
    { config, schema: { params: productParamsSchema, response: { 200: productSchema } } },
    async (request) => products.remove(request.params.id),
  );

  app.get('/admin/summary', { config, schema: { response: { 200: operatorSummarySchema } } }, async () => {
    const [counts, stats] = await Promise.all([
      options.sagas.countByStatus(new Date(Date.now() - summaryWindowMinutes * 60_000)),
      carts.stats(),
    ]);
    const recent = (...statuses: string[]) =>
      counts.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.recent, 0) /
      summaryWindowMinutes;
    return {
      window_minutes: summaryWindowMinutes,
      checkouts_per_minute: recent('completed'),
      compensations_per_minute: recent('compensated', 'compensation_failed'),
      active_carts: stats.active_carts,
      runs_by_status: Object.fromEntries(counts.map((row) => [row.status, row.total])),
    };
  });
}
