import type { Database } from '@ecomm/platform';
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { sagaRuns, sagaSteps } from '../database/schema.js';
import type { SagaFailure, SagaRunStatus } from './saga-definition.js';

export type SagaRunRecord = typeof sagaRuns.$inferSelect;
export type SagaStepRecord = typeof sagaSteps.$inferSelect;
type StepChanges = Partial<Omit<SagaStepRecord, 'sagaId' | 'name' | 'position'>>;

export function createSagaRepository(db: Database) {
  return {
    async create(run: { id: string; type: string; input: unknown; stepNames: string[] }) {
      await db.transaction(async (transaction) => {
        await transaction.insert(sagaRuns).values({ id: run.id, type: run.type, status: 'running', input: run.input });
        await transaction
          .insert(sagaSteps)
          .values(run.stepNames.map((name, position) => ({ sagaId: run.id, name, position })));
      });
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

    async updateRun(id: string, changes: { status?: SagaRunStatus; data?: unknown; failure?: SagaFailure | null }) {
      const finished = changes.status && !['running', 'compensating', 'needs_attention'].includes(changes.status);
      await db
        .update(sagaRuns)
        .set({ ...changes, updatedAt: sql`now()`, heartbeatAt: sql`now()`, ...(finished ? { finishedAt: sql`now()` } : {}) })
        .where(eq(sagaRuns.id, id));
    },

    async updateStep(sagaId: string, name: string, changes: StepChanges) {
      await db.update(sagaSteps).set(changes).where(and(eq(sagaSteps.sagaId, sagaId), eq(sagaSteps.name, name)));
    },

    async beat(id: string) {
      await db.update(sagaRuns).set({ heartbeatAt: sql`now()` }).where(eq(sagaRuns.id, id));
    },

    /** Takes over unfinished runs whose owner stopped beating; each run goes to exactly one taker. */
    async claimStale(staleAfterMs: number, limit: number): Promise<string[]> {
      const cutoff = new Date(Date.now() - staleAfterMs);
      const candidates = await db
        .select({ id: sagaRuns.id })
        .from(sagaRuns)
        .where(and(inArray(sagaRuns.status, ['running', 'compensating']), lt(sagaRuns.heartbeatAt, cutoff)))
        .limit(limit);
      const claimed: string[] = [];
      for (const { id } of candidates) {
        const taken = await db
          .update(sagaRuns)
          .set({ heartbeatAt: sql`now()` })
          .where(and(eq(sagaRuns.id, id), lt(sagaRuns.heartbeatAt, cutoff)))
          .returning({ id: sagaRuns.id });
        if (taken.length > 0) claimed.push(id);
      }
      return claimed;
    },

    /**
     * Takes a run an operator retries back up: a compensation_failed run compensates what is still undone, a run
     * that needs attention goes forward again.
     */
    async reopen(id: string): Promise<boolean> {
      const reopened = await db
        .update(sagaRuns)
        .set({
          status: sql`case ${sagaRuns.status} when 'compensation_failed' then 'compensating' else 'running' end`,
          heartbeatAt: sql`now()`,
          updatedAt: sql`now()`,
          finishedAt: null,
        })
        .where(and(eq(sagaRuns.id, id), inArray(sagaRuns.status, ['compensation_failed', 'needs_attention'])))
        .returning({ id: sagaRuns.id });
      return reopened.length > 0;
    },
  };
}

export type SagaRepository = ReturnType<typeof createSagaRepository>;
