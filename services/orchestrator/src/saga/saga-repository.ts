import type { Database } from '@ecomm/platform';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { sagaRuns, sagaSteps } from '../database/schema.js';
import type { SagaFailure, SagaRunStatus } from './saga-definition.js';

export type SagaRunRecord = typeof sagaRuns.$inferSelect;
export type SagaStepRecord = typeof sagaSteps.$inferSelect;
type StepChanges = Partial<Omit<SagaStepRecord, 'sagaId' | 'name' | 'position'>>;

/** Who drives a run: the owner version it was started or taken over with. */
export interface SagaOwner {
  sagaId: string;
  version: number;
}

const owned = (owner: SagaOwner) => and(eq(sagaRuns.id, owner.sagaId), eq(sagaRuns.ownerVersion, owner.version));

export function createSagaRepository(db: Database) {
  return {
    async create(run: { id: string; type: string; input: unknown; stepNames: string[] }) {
      await db.transaction(async (transaction) => {
        await transaction.insert(sagaRuns).values({ id: run.id, type: run.type, status: 'running', input: run.input, ownerVersion: 0 });
        await transaction
          .insert(sagaSteps)
          .values(run.stepNames.map((name, position) => ({ sagaId: run.id, name, position })));
      });
      return { sagaId: run.id, version: 0 } satisfies SagaOwner;
    },

    async find(id: string) {
      const [run] = await db.select().from(sagaRuns).where(eq(sagaRuns.id, id));
      if (!run) return undefined;
      const steps = await db.select().from(sagaSteps).where(eq(sagaSteps.sagaId, id)).orderBy(asc(sagaSteps.position));
      return { run, steps };
    },

    async list(filter: { status?: SagaRunStatus; limit: number; offset: number }) {
      const where = filter.status ? eq(sagaRuns.status, filter.status) : undefined;
      const [items, [counted]] = await Promise.all([
        db.select().from(sagaRuns).where(where).orderBy(desc(sagaRuns.createdAt)).limit(filter.limit).offset(filter.offset),
        db.select({ total: sql<number>`count(*)::int` }).from(sagaRuns).where(where),
      ]);
      return { items, total: counted?.total ?? 0 };
    },

    /** How many runs are in each status, and how many of each finished since the given time. */
    async countByStatus(finishedSince: Date) {
      return db
        .select({
          status: sagaRuns.status,
          total: sql<number>`count(*)::int`,
          recent: sql<number>`(count(*) filter (where ${sagaRuns.finishedAt} >= ${finishedSince}))::int`,
        })
        .from(sagaRuns)
        .groupBy(sagaRuns.status);
    },

    /** Writes the run only while `owner` still holds it; false when another process has taken it over. */
    async updateRun(owner: SagaOwner, changes: { status?: SagaRunStatus; data?: unknown; failure?: SagaFailure | null }) {
      const finished = changes.status && !['running', 'compensating', 'needs_attention'].includes(changes.status);
      const written = await db
        .update(sagaRuns)
        .set({ ...changes, updatedAt: sql`now()`, heartbeatAt: sql`now()`, ...(finished ? { finishedAt: sql`now()` } : {}) })
        .where(owned(owner))
        .returning({ id: sagaRuns.id });
      return written.length > 0;
    },

    /**
     * Writes a step only while `owner` still holds its run. The run's row is share-locked for the statement, so a
     * take-over waits for this write to commit (and then reads it) or this write sees the new owner and does nothing.
     */
    async updateStep(owner: SagaOwner, name: string, changes: StepChanges) {
      const written = await db
        .update(sagaSteps)
        .set(changes)
        .where(
          and(
            eq(sagaSteps.sagaId, owner.sagaId),
            eq(sagaSteps.name, name),
            sql`exists (select 1 from ${sagaRuns} where ${owned(owner)} for share)`,
          ),
        )
        .returning({ name: sagaSteps.name });
      return written.length > 0;
    },

    async beat(owner: SagaOwner) {
      const beaten = await db.update(sagaRuns).set({ heartbeatAt: sql`now()` }).where(owned(owner)).returning({ id: sagaRuns.id });
      return beaten.length > 0;
    },

    /**
     * Takes over one unfinished run whose owner stopped beating, by the database's clock only (a process's own clock
     * may be off). The take-over bumps the run's owner version, which fences off the previous owner; SKIP LOCKED
     * gives each run to exactly one taker.
     */
    async claimStale(staleAfterMs: number): Promise<SagaOwner | undefined> {
      const [claimed] = await db.execute<{ id: string; owner_version: number }>(sql`
        update ${sagaRuns} set owner_version = owner_version + 1, heartbeat_at = now()
        where id = (
          select id from ${sagaRuns}
          where status in ('running', 'compensating') and heartbeat_at < now() - make_interval(secs => ${staleAfterMs / 1000})
          order by heartbeat_at
          limit 1
          for update skip locked
        )
        returning id, owner_version`).then((result) => result.rows);
      return claimed ? { sagaId: claimed.id, version: claimed.owner_version } : undefined;
    },

    /** Deletes runs finished for good longer ago than the retention; needs_attention and compensation_failed stay. */
    async pruneFinished(retentionHours: number) {
      const pruned = await db
        .delete(sagaRuns)
        .where(
          and(
            inArray(sagaRuns.status, ['completed', 'compensated']),
            sql`${sagaRuns.finishedAt} < now() - make_interval(secs => ${retentionHours * 3600})`,
          ),
        )
        .returning({ id: sagaRuns.id });
      return pruned.length;
    },

    /**
     * Takes a run an operator retries back up: a compensation_failed run compensates what is still undone, a run
     * that needs attention goes forward again.
     */
    async reopen(id: string): Promise<SagaOwner | undefined> {
      const [reopened] = await db
        .update(sagaRuns)
        .set({
          status: sql`case ${sagaRuns.status} when 'compensation_failed' then 'compensating' else 'running' end`,
          ownerVersion: sql`${sagaRuns.ownerVersion} + 1`,
          heartbeatAt: sql`now()`,
          updatedAt: sql`now()`,
          finishedAt: null,
        })
        .where(and(eq(sagaRuns.id, id), inArray(sagaRuns.status, ['compensation_failed', 'needs_attention'])))
        .returning({ sagaId: sagaRuns.id, version: sagaRuns.ownerVersion });
      return reopened;
    },
  };
}

export type SagaRepository = ReturnType<typeof createSagaRepository>;
