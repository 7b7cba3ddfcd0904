import type { Database, DatabaseConnection } from '@ecomm/platform';
import { lt, sql } from 'drizzle-orm';
import { chatThreads } from '../database/chat-schema.js';

export function createThreadRepository(db: Database, pool: DatabaseConnection['pool']) {
  return {
    async touch(threadId: string, userId: string, sessionId: string) {
      await db
        .insert(chatThreads)
        .values({ threadId, userId, sessionId })
        .onConflictDoUpdate({ target: chatThreads.threadId, set: { lastActiveAt: sql`now()` } });
    },

    /**
     * Runs one turn while holding the thread's advisory lock, so two messages to one conversation never
     * interleave, even across orchestrator replicas. Returns undefined when another turn holds it.
     */
    async withLock<Result>(threadId: string, work: () => Promise<Result>): Promise<{ result: Result } | undefined> {
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [threadId]);
        if (!rows[0]?.locked) return undefined;
        try {
          return { result: await work() };
        } finally {
          await client.query('select pg_advisory_unlock(hashtext($1))', [threadId]);
        }
      } finally {
        client.release();
      }
    },

    async idleSince(cutoff: Date, limit: number) {
      return db.select({ threadId: chatThreads.threadId }).from(chatThreads).where(lt(chatThreads.lastActiveAt, cutoff)).limit(limit);
    },

    async remove(threadId: string) {
      await db.delete(chatThreads).where(sql`${chatThreads.threadId} = ${threadId}`);
    },
  };
}

export type ThreadRepository = ReturnType<typeof createThreadRepository>;
