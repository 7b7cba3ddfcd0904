import type { Database } from '@ecomm/platform';
import { asc, eq } from 'drizzle-orm';
import { restockLines, restocks } from '../database/schema.js';
import { moveStock, type StockMove } from '../products/stock-moves.js';

export type RestockLine = StockMove;

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
        // The lines and their units in one statement; a deleted product gets nothing back (see moveStock).
        const restocked = tx.$with('restocked').as(moveStock(tx, lines));
        await tx
          .with(restocked)
          .insert(restockLines)
          .values(lines.map((line) => ({ ...line, restockId: id })));
        return { lines, created: true };
      });
    },
  };
}

export type RestockRepository = ReturnType<typeof createRestockRepository>;
