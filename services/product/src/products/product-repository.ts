import type { Database } from '@ecomm/platform';
import { and, asc, desc, eq, lte, sql, type SQL } from 'drizzle-orm';
import { products, reservationLines, reservations } from '../database/schema.js';
import type { TextSearch } from './product-search.js';

export type ProductRow = typeof products.$inferSelect;
export type NewProductRow = typeof products.$inferInsert;
export type ProductChanges = Partial<Omit<NewProductRow, 'id' | 'createdAt' | 'updatedAt'>>;

export interface ProductCriteria {
  search?: TextSearch;
  category?: string;
  maxPriceCents?: number;
  sort: 'relevance' | 'price_asc' | 'price_desc';
  limit: number;
  offset: number;
}

export type DeleteOutcome =
  | { outcome: 'deleted'; product: ProductRow }
  | { outcome: 'not_found' }
  | { outcome: 'reserved'; reservationIds: string[] };

function ordering(criteria: ProductCriteria): SQL[] {
  const relevance = criteria.search ? [desc(criteria.search.matchedWords), desc(criteria.search.score)] : [];
  const price = { relevance: [], price_asc: [asc(products.priceCents)], price_desc: [desc(products.priceCents)] }[
    criteria.sort
  ];
  return [...price, ...relevance, asc(products.id)];
}

export function createProductRepository(db: Database) {
  /** Products matching every query word; when none does, those matching any word, so a near miss still finds something. */
  async function searchCondition(search: TextSearch, filters: SQL | undefined) {
    const [counts] = await db
      .select({
        all: sql<number>`count(*) filter (where ${search.matchedWords} = ${search.wordCount})`,
        any: sql<number>`count(*) filter (where ${search.matchedWords} > 0)`,
      })
      .from(products)
      .where(filters);
    const matchesAll = (counts?.all ?? 0) > 0;
    return {
      condition: matchesAll ? sql`${search.matchedWords} = ${search.wordCount}` : sql`${search.matchedWords} > 0`,
      total: (matchesAll ? counts?.all : counts?.any) ?? 0,
    };
  }

  return {
    async insert(values: NewProductRow): Promise<ProductRow> {
      const [product] = await db.insert(products).values(values).returning();
      return product as ProductRow;
    },

    async findById(id: number): Promise<ProductRow | undefined> {
      const [product] = await db.select().from(products).where(eq(products.id, id));
      return product;
    },

    async list(criteria: ProductCriteria): Promise<{ rows: ProductRow[]; total: number }> {
      const filters = and(
        criteria.category === undefined ? undefined : sql`lower(${products.category}) = lower(${criteria.category})`,
        criteria.maxPriceCents === undefined ? undefined : lte(products.priceCents, criteria.maxPriceCents),
      );
      let where = filters;
      let total: number;
      if (criteria.search) {
        const matching = await searchCondition(criteria.search, filters);
        where = and(filters, matching.condition);
        total = matching.total;
      } else {
        total = await db.$count(products, filters);
      }
      const rows = await db
        .select()
        .from(products)
        .where(where)
        .orderBy(...ordering(criteria))
        .limit(criteria.limit)
        .offset(criteria.offset);
      return { rows, total };
    },

    async update(id: number, changes: ProductChanges): Promise<ProductRow | undefined> {
      const [product] = await db
        .update(products)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(products.id, id))
        .returning();
      return product;
    },

    /** The product's row lock makes a reservation being taken right now either finish first (and block) or wait and find no product. */
    async deleteUnlessReserved(id: number): Promise<DeleteOutcome> {
      return db.transaction(async (tx) => {
        const [locked] = await tx.select({ id: products.id }).from(products).where(eq(products.id, id)).for('update');
        if (!locked) return { outcome: 'not_found' };
        const active = await tx
          .select({ id: reservations.id })
          .from(reservationLines)
          .innerJoin(reservations, eq(reservations.id, reservationLines.reservationId))
          .where(and(eq(reservationLines.productId, id), eq(reservations.status, 'reserved')))
          .orderBy(reservations.id)
          .limit(5);
        if (active.length > 0) return { outcome: 'reserved', reservationIds: active.map((row) => row.id) };
        const [product] = await tx.delete(products).where(eq(products.id, id)).returning();
        return { outcome: 'deleted', product: product as ProductRow };
      });
    },
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
