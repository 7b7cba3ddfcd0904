import { createRestockSchema, restockSchema, type CreateRestock, type Restock } from '@ecomm/contracts';
import { AppError, type ServiceApp } from '@ecomm/platform';
import type { RestockLine, RestockRepository } from './restock-repository.js';

/** One line per product, in id order: the same units however the caller listed them. */
function merged(lines: CreateRestock['lines']): RestockLine[] {
  const quantities = new Map<number, number>();
  for (const line of lines) quantities.set(line.product_id, (quantities.get(line.product_id) ?? 0) + line.quantity);
  return [...quantities]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => a.productId - b.productId);
}

const sameLines = (first: RestockLine[], second: RestockLine[]) =>
  first.length === second.length &&
  first.every(
    (line, index) => line.productId === second[index]?.productId && line.quantity === second[index]?.quantity,
  );

export async function restockRoutes(app: ServiceApp, options: { restocks: RestockRepository }) {
  app.post(
    '/restocks',
    { schema: { body: createRestockSchema, response: { 200: restockSchema, 201: restockSchema } } },
    async (request, reply) => {
      const requested = merged(request.body.lines);
      const { lines, created } = await options.restocks.restock(request.body.restock_id, requested);
      if (!created && !sameLines(lines, requested)) {
        throw AppError.conflict(
          `Restock "${request.body.restock_id}" was already made with other lines; use a new restock_id`,
        );
      }
      const restock: Restock = {
        restock_id: request.body.restock_id,
        lines: lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
      };
      return reply.status(created ? 201 : 200).send(restock);
    },
  );
}
