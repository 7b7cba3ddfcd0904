import { randomUUID } from 'node:crypto';
import type { Database } from '@ecomm/platform';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { chatThreads } from '../database/chat-schema.js';

// Renewed every third of it while a turn runs; how long a conversation stays locked after its process died.
const leaseSeconds = 60;

export function createThreadRepository(db: Database) {
  return {
    /** Marks the thread active; false when it did not exist yet (its session is not yet bound to the user). */
    async touch(threadId: string): Promise<boolean> {
      const touched = await db
        .update(chatThreads)
        .set({ lastActiveAt: sql`now()` })
        .where(eq(chatThreads.threadId, threadId))
        .returning({ threadId: chatThreads.threadId });
      return touched.length > 0;
    },

    async create(threadId: string, userId: string, sessionId: string) {
      await db.insert(chatThreads).values({ threadId, userId, sessionId }).onConflictDoNothing();
    },

    /**
     * Runs one turn while holding the thread's lease, so two messages to one conversation never interleave, even
     * across orchestrator replicas. The lease is a column, not a held connection, so waiting turns cannot exhaust
     * the pool; it is renewed while the turn runs, and runs out soon after a process dies mid-turn. Returns
     * undefined when another turn holds it.
     */
    async withLock<Result>(threadId: string, work: () => Promise<Result>): Promise<{ result: Result } | undefined> {
      const token = randomUUID();
      const lease = sql`now() + make_interval(secs => ${leaseSeconds})`;
      const taken = await db
        .update(chatThreads)
        .set({ busyUntil: lease, busyToken: token })
        .where(and(eq(chatThreads.threadId, threadId), or(isNull(chatThreads.busyUntil), lt(chatThreads.busyUntil, sql`now()`))))
        .returning({ threadId: chatThreads.threadId });
      if (taken.length === 0) return undefined;
      const mine = and(eq(chatThreads.threadId, threadId), eq(chatThreads.busyToken, token));
      const renewal = setInterval(() => {
        void db.update(chatThreads).set({ busyUntil: lease }).where(mine).catch(() => undefined);
      }, (leaseSeconds * 1000) / 3);
      try {
        return { result: await work() };
      } finally {
        clearInterval(renewal);
        await db.update(chatThreads).set({ busyUntil: null, busyToken: null }).where(mine);
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
