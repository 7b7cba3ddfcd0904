import type { Database } from '@ecomm/platform';
import { and, asc, desc, eq, getTableColumns, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { sagaRuns, sagaSteps } from '../database/schema.js';
import type { SagaFailure, SagaRunStatus } from './saga-definition.js';

export type SagaRunRecord = typeof sagaRuns.$inferSelect;
export type SagaStepRecord = typeof sagaSteps.$inferSelect;
export type StepChanges = Partial<Omit<SagaStepRecord, 'sagaId' | 'name' | 'position'>>;
export type RunChanges = { status?: SagaRunStatus; data?: unknown; failure?: SagaFailure | null };
/** A run and its steps in order, as read or as just created. */
export interface SagaState {
  run: SagaRunRecord;
  steps: SagaStepRecord[];
}

/** Who drives a run: the owner version it was started or taken over with. */
export interface SagaOwner {
  sagaId: string;
  version: number;
}

type SagaTable = typeof sagaRuns | typeof sagaSteps;

/** `column = value` for each change given, each value as its column stores it (jsonb as JSON text). */
const assignments = (table: SagaTable, changes: object) =>
  Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const column = (getTableColumns(table) as Record<string, Column>)[key]!;
      return sql`${sql.identifier(column.name)} = ${sql.param(value, column)}`;
    });

const owned = (owner: SagaOwner) => and(eq(sagaRuns.id, owner.sagaId), eq(sagaRuns.ownerVersion, owner.version));

export function createSagaRepository(db: Database) {
  /**
   * Takes over the first run `candidates` (a condition, then its order) finds, with `changes` besides. The take-over
   * bumps the run's owner version, which fences off its previous owner; SKIP LOCKED gives each run to exactly one
   * taker.
   */
  async function claimOne(changes: SQL, candidates: SQL): Promise<SagaOwner | undefined> {
    const { rows } = await db.execute<{ id: string; owner_version: number }>(sql`
      update ${sagaRuns} set owner_version = owner_version + 1, heartbeat_at = now()${changes}
      where id = (select id from ${sagaRuns} where ${candidates} limit 1 for update skip locked)
      returning id, owner_version`);
    const [claimed] = rows;
    return claimed ? { sagaId: claimed.id, version: claimed.owner_version } : undefined;
  }

  return {
    /**
     * Creates the run with its first step already recorded as started, in one statement: the caller goes straight to
     * that step's call and keeps the returned state instead of reading back what it just wrote.
     */
    async create(run: { id: string; type: string; input: unknown; stepNames: string[] }) {
      const startedAt = new Date();
      const steps = run.stepNames.map((name, position): SagaStepRecord => ({
        sagaId: run.id,
        position,
        name,
        ...(position === 0
          ? { status: 'running', attempts: 1, startedAt }
          : { status: 'pending', attempts: 0, startedAt: null }),
        compensationAttempts: 0,
        finishedAt: null,
        compensatedAt: null,
        error: null,
      }));
      const rows = steps.map((step) => {
        const startedAt = sql.param(step.startedAt, sagaSteps.startedAt);
        return sql`(${step.sagaId}, ${step.position}, ${step.name}, ${step.status}, ${step.attempts}, ${startedAt})`;
      });
      await db.execute(sql`
        with run as (
          insert into ${sagaRuns} (id, type, status, input, owner_version)
          values (${run.id}, ${run.type}, 'running', ${sql.param(run.input, sagaRuns.input)}, 0)
        )
        insert into ${sagaSteps} (saga_id, position, name, status, attempts, started_at)
        values ${sql.join(rows, sql`, `)}`);
      const record: SagaRunRecord = {
        id: run.id,
        type: run.type,
        status: 'running',
        input: run.input,
        data: {},
        failure: null,
        ownerVersion: 0,
        compensationRetries: 0,
        heartbeatAt: startedAt,
        createdAt: startedAt,
        updatedAt: startedAt,
        finishedAt: null,
      };
      return { sagaId: run.id, version: 0, state: { run: record, steps } } satisfies SagaOwner & { state: SagaState };
    },

    async find(id: string): Promise<SagaState | undefined> {
      const [run] = await db.select().from(sagaRuns).where(eq(sagaRuns.id, id));
      if (!run) return undefined;
      const steps = await db.select().from(sagaSteps).where(eq(sagaSteps.sagaId, id)).orderBy(asc(sagaSteps.position));
      return { run, steps };
    },

    async list(filter: { status?: SagaRunStatus; limit: number; offset: number }) {
      const where = filter.status ? eq(sagaRuns.status, filter.status) : undefined;
      const [items, [counted]] = await Promise.all([
        db
          .select()
          .from(sagaRuns)
          .where(where)
          .orderBy(desc(sagaRuns.createdAt))
          .limit(filter.limit)
          .offset(filter.offset),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(sagaRuns)
          .where(where),
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

    /**
     * One fenced write: the run's changes and any steps' changes in a single statement, applied only while `owner`
     * still holds the run (false when another process has taken it over). Updating the run's row locks it, so a
     * take-over waits for this write to commit (and then reads it), or this write finds the new owner and changes
     * nothing. Every write also counts as a heartbeat.
     */
    async write(owner: SagaOwner, run: RunChanges, steps: Record<string, StepChanges>) {
      const finished = run.status && !['running', 'compensating', 'needs_attention'].includes(run.status);
      const runSet = [...assignments(sagaRuns, run), sql`updated_at = now(), heartbeat_at = now()`];
      if (finished) runSet.push(sql`finished_at = now()`);
      const stepUpdates = Object.entries(steps).flatMap(([name, changes], index) => {
        const stepSet = assignments(sagaSteps, changes);
        if (stepSet.length === 0) return [];
        return [
          sql`, ${sql.identifier(`step_${index}`)} as (
          update ${sagaSteps} set ${sql.join(stepSet, sql`, `)}
          where saga_id = ${owner.sagaId} and name = ${name} and exists (select from run))`,
        ];
      });
      const { rows } = await db.execute<{ written: number }>(sql`
        with run as (
          update ${sagaRuns} set ${sql.join(runSet, sql`, `)}
          where id = ${owner.sagaId} and owner_version = ${owner.version}
          returning id
        )${sql.join(stepUpdates)}
        select count(*)::int as written from run`);
      return rows[0]!.written > 0;
    },

    async beat(owner: SagaOwner) {
      const beaten = await db
        .update(sagaRuns)
        .set({ heartbeatAt: sql`now()` })
        .where(owned(owner))
        .returning({ id: sagaRuns.id });
      return beaten.length > 0;
    },

    /**
     * Takes over one unfinished run whose owner stopped beating, by the database's clock only (a process's own clock
     * may be off).
     */
    claimStale: (staleAfterMs: number) =>
      claimOne(
        sql``,
        sql`status in ('running', 'compensating') and heartbeat_at < now() - make_interval(secs => ${staleAfterMs / 1000})
          order by heartbeat_at`,
      ),

    /**
     * Takes up one run whose compensation failed, once its back-off has passed: `firstAfterMs` after it failed, twice
     * that after its first retry failed, and so on, `most` times in all; the run then compensates again what is still
     * undone. Only runs of `types`: one of another type is left compensation_failed, not taken up by a process that
     * cannot drive it.
     */
    claimFailedCompensation: (retry: { firstAfterMs: number; most: number }, types: readonly string[]) =>
      claimOne(
        sql`, status = 'compensating', compensation_retries = compensation_retries + 1, updated_at = now(),
          finished_at = null`,
        sql`status = 'compensation_failed' and compensation_retries < ${retry.most}
            and type = any(${sql.param([...types])}::text[])
            and finished_at < now() - make_interval(secs => ${retry.firstAfterMs / 1000} * power(2, compensation_retries))
          order by finished_at`,
      ),

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
     * Takes a run an operator retries back up: a compensation_failed run compensates what is still undone (and, should
     * that fail again, the sweep's retries start over), a run that needs attention goes forward again.
     */
    async reopen(id: string): Promise<SagaOwner | undefined> {
      const [reopened] = await db
        .update(sagaRuns)
        .set({
          status: sql`case ${sagaRuns.status} when 'compensation_failed' then 'compensating' else 'running' end`,
          ownerVersion: sql`${sagaRuns.ownerVersion} + 1`,
          compensationRetries: 0,
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
