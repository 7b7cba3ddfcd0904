import {
  fromCents,
  toCents,
  type CreateProduct,
  type ListProductsQuery,
  type Product,
  type UpdateProduct,
} from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { ProductChanges, ProductRepository, ProductRow } from './product-repository.js';
import { queryWords, textSearch } from './product-search.js';

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    price: fromCents(row.priceCents),
    stock: row.stock,
    description: row.description,
    category: row.category,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function toChanges(update: UpdateProduct): ProductChanges {
  const { price, ...rest } = update;
  return price === undefined ? rest : { ...rest, priceCents: toCents(price) };
}

const notFound = (id: number) => AppError.notFound(`Product ${id} not found`);

export function createProductService(dependencies: { products: ProductRepository }) {
  const { products } = dependencies;

  return {
    async create(input: CreateProduct): Promise<Product> {
      const row = await products.insert({
        name: input.name,
        priceCents: toCents(input.price),
        stock: input.stock,
        description: input.description ?? null,
        category: input.category ?? null,
      });
      return toProduct(row);
    },

    async list(query: ListProductsQuery) {
      const words = queryWords(query.query ?? '');
      const { rows, total } = await products.list({
        search: words.length > 0 ? textSearch(words) : undefined,
        category: query.category,
        // A product at exactly the limit qualifies; fractions of a cent beyond it do not round it in.
        maxPriceCents: query.max_price === undefined ? undefined : Math.floor(query.max_price * 100 + 1e-6),
        sort: query.sort ?? 'relevance',
        limit: query.limit,
        offset: query.offset,
      });
      return { items: rows.map(toProduct), total, limit: query.limit, offset: query.offset };
    },

    async get(id: number): Promise<Product> {
      const row = await products.findById(id);
      if (!row) throw notFound(id);
      return toProduct(row);
    },

    async update(id: number, update: UpdateProduct): Promise<Product> {
      const row = await products.update(id, toChanges(update));
      if (!row) throw notFound(id);
      return toProduct(row);
    },

    /** Refused while a reservation holds the product: releasing it must be able to put the stock back. */
    async remove(id: number): Promise<Product> {
      const result = await products.deleteUnlessReserved(id);
      if (result.outcome === 'not_found') throw notFound(id);
      if (result.outcome === 'reserved') {
        throw AppError.conflict(
          `Product ${id} has active reservations (${result.reservationIds.join(', ')}); release them before deleting it`,
          { reservation_ids: result.reservationIds },
        );
      }
      return toProduct(result.product);
    },
  };
}

export type ProductService = ReturnType<typeof createProductService>;
