import type { Database } from '@ecomm/platform';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { chatThreads } from '../database/chat-schema.js';

// Renewed every third of it while a turn runs; how long a conversation stays locked after its process died.
const leaseSeconds = 60;
const lease = sql`now() + make_interval(secs => ${leaseSeconds})`;

/** `absent`: the thread does not exist yet (its session is not yet bound to the user). */
export type LeaseOutcome = 'taken' | 'busy' | 'absent';

/**
 * A conversation's lease, so two messages to one conversation never interleave, even across orchestrator replicas.
 * The lease is a column, not a held connection, so waiting turns cannot exhaust the pool; it is renewed while the
 * turn runs, and runs out soon after a process dies mid-turn.
 */
export function createThreadRepository(db: Database) {
  const free = or(isNull(chatThreads.busyUntil), lt(chatThreads.busyUntil, sql`now()`));

  return {
    /** Marks the thread active and takes its lease when free, in one update of its row. */
    async take(threadId: string, token: string): Promise<LeaseOutcome> {
      const [row] = await db
        .update(chatThreads)
        .set({
          lastActiveAt: sql`now()`,
          // Every expression here reads the row as it was before this update.
          busyUntil: sql`case when ${free} then ${lease} else ${chatThreads.busyUntil} end`,
          busyToken: sql`case when ${free} then ${token} else ${chatThreads.busyToken} end`,
        })
        .where(eq(chatThreads.threadId, threadId))
        .returning({ token: chatThreads.busyToken });
      if (!row) return 'absent';
      return row.token === token ? 'taken' : 'busy';
    },

    /** Creates the thread with its lease taken; when another turn created it first, takes the lease as usual. */
    async create(
      threadId: string,
      userId: string,
      sessionId: string,
      token: string,
    ): Promise<Exclude<LeaseOutcome, 'absent'>> {
      const created = await db
        .insert(chatThreads)
        .values({ threadId, userId, sessionId, busyUntil: lease, busyToken: token })
        .onConflictDoNothing()
        .returning({ threadId: chatThreads.threadId });
      if (created.length > 0) return 'taken';
      return (await this.take(threadId, token)) === 'taken' ? 'taken' : 'busy';
    },

    /** Runs the work while renewing the lease taken with this token, then gives the lease back. */
    async holding<Result>(threadId: string, token: string, work: () => Promise<Result>): Promise<Result> {
      const mine = and(eq(chatThreads.threadId, threadId), eq(chatThreads.busyToken, token));
      const renewal = setInterval(
        () => {
          void db
            .update(chatThreads)
            .set({ busyUntil: lease })
            .where(mine)
            .catch(() => undefined);
        },
        (leaseSeconds * 1000) / 3,
      );
      try {
        return await work();
      } finally {
        clearInterval(renewal);
        await db.update(chatThreads).set({ busyUntil: null, busyToken: null }).where(mine);
      }
    },

    async idleSince(cutoff: Date, limit: number) {
      return db
        .select({ threadId: chatThreads.threadId })
        .from(chatThreads)
        .where(lt(chatThreads.lastActiveAt, cutoff))
        .limit(limit);
    },

    async remove(threadId: string) {
      await db.delete(chatThreads).where(eq(chatThreads.threadId, threadId));
    },
  };
}

export type ThreadRepository = ReturnType<typeof createThreadRepository>;
