import type { Database } from '@ecomm/platform';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { chatThreads } from '../database/chat-schema.js';

// Longer than any turn should take (several model calls, each bounded by LLM_TIMEOUT_MS, and a checkout).
const leaseSeconds = 180;

export function createThreadRepository(db: Database) {
  return {
    async touch(threadId: string, userId: string, sessionId: string) {
      await db
        .insert(chatThreads)
        .values({ threadId, userId, sessionId })
        .onConflictDoUpdate({ target: chatThreads.threadId, set: { lastActiveAt: sql`now()` } });
    },

    /**
     * Runs one turn while holding the thread's lease, so two messages to one conversation never interleave, even
     * across orchestrator replicas. The lease is a column, not a held connection, so waiting turns cannot exhaust the
     * pool; if a process dies mid-turn, the lease simply runs out. Returns undefined when another turn holds it.
     */
    async withLock<Result>(threadId: string, work: () => Promise<Result>): Promise<{ result: Result } | undefined> {
      const taken = await db
        .update(chatThreads)
        .set({ busyUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
        .where(and(eq(chatThreads.threadId, threadId), or(isNull(chatThreads.busyUntil), lt(chatThreads.busyUntil, sql`now()`))))
        .returning({ threadId: chatThreads.threadId });
      if (taken.length === 0) return undefined;
      try {
        return { result: await work() };
      } finally {
        await db.update(chatThreads).set({ busyUntil: null }).where(eq(chatThreads.threadId, threadId));
      }
    },

    async idleSince(cutoff: Date, limit: number) {
      return db.select({ threadId: chatThreads.threadId }).from(chatThreads).where(lt(chatThreads.lastActiveAt, cutoff)).limit(limit);
    },

    async remove(threadId: string) {
      await db.delete(chatThreads).where(eq(chatThreads.threadId, threadId));
    },
  };
}

export type ThreadRepository = ReturnType<typeof createThreadRepository>;
