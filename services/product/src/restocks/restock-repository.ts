import type { Database } from '@ecomm/platform';
import { asc, eq, sql } from 'drizzle-orm';
import { products, restockLines, restocks } from '../database/schema.js';

export type RestockLine = { productId: number; quantity: number };

export function createRestockRepository(db: Database) {
  return {
    /**
     * Records the restock and adds its units in one transaction; a restock id already taken adds nothing and answers
     * the lines it was first made with (the primary key makes a concurrent repeat wait for the first).
     */
    async restock(id: string, lines: RestockLine[]): Promise<{ lines: RestockLine[]; created: boolean }> {
      return db.transaction(async (tx) => {
        const claimed = await tx.insert(restocks).values({ id }).onConflictDoNothing().returning({ id: restocks.id });
        if (claimed.length === 0) {
          const stored = await tx
            .select({ productId: restockLines.productId, quantity: restockLines.quantity })
            .from(restockLines)
            .where(eq(restockLines.restockId, id))
            .orderBy(asc(restockLines.productId));
          return { lines: stored, created: false };
        }
        await tx.insert(restockLines).values(lines.map((line) => ({ ...line, restockId: id })));
        // In product id order, as reservations lock them, so the two never deadlock. A deleted product gets nothing back.
        for (const line of lines) {
          await tx
            .update(products)
            .set({ stock: sql`${products.stock} + ${line.quantity}`, updatedAt: sql`now()` })
            .where(eq(products.id, line.productId));
        }
        return { lines, created: true };
      });
    },
  };
}

export type RestockRepository = ReturnType<typeof createRestockRepository>;
