import { getTableColumns, sql, type Column } from 'drizzle-orm';
import { sagaRuns, sagaSteps } from '../database/schema.js';
import type { RunChanges, SagaOwner, SagaStepRecord, StepChanges } from './saga-repository.js';

// The saga's writes as statements of one run or of several together (see `naturalBatches`): several runs' writes in
// one statement are one round trip and one commit.

/** A run to create, with its steps as they are recorded (the first already started). */
export interface NewRun {
  id: string;
  type: string;
  input: unknown;
  steps: SagaStepRecord[];
}

/** One owner's fenced write: the run's changes and its steps' (see `SagaRepository.write`). */
export interface FencedWrite {
  owner: SagaOwner;
  run: RunChanges;
  steps: Record<string, StepChanges>;
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

/** The runs and all their steps inserted in one statement. */
export function insertRuns(runs: NewRun[]) {
  const runRows = runs.map(
    (run) => sql`(${run.id}, ${run.type}, 'running', ${sql.param(run.input, sagaRuns.input)}, 0)`,
  );
  const stepRows = runs.flatMap((run) =>
    run.steps.map((step) => {
      const startedAt = sql.param(step.startedAt, sagaSteps.startedAt);
      return sql`(${step.sagaId}, ${step.position}, ${step.name}, ${step.status}, ${step.attempts}, ${startedAt})`;
    }),
  );
  return sql`
    with run as (
      insert into ${sagaRuns} (id, type, status, input, owner_version)
      values ${sql.join(runRows, sql`, `)}
    )
    insert into ${sagaSteps} (saga_id, position, name, status, attempts, started_at)
    values ${sql.join(stepRows, sql`, `)}`;
}

/**
 * A fenced write as the statements of a WITH, named after `prefix`: `<prefix>run` updates the run and returns its id
 * only while the owner still holds it, and each step's update happens only if it did. With `lock` (a write among
 * others), `<prefix>lock` first takes the run's row if no one else holds it, and the write happens only if it did: a
 * statement of several runs' writes never waits for one run's row (nor holds the others' meanwhile).
 */
function fencedWriteParts({ owner, run, steps }: FencedWrite, prefix: string, lock = false) {
  const finished = run.status && !['running', 'compensating', 'needs_attention'].includes(run.status);
  const runSet = [...assignments(sagaRuns, run), sql`updated_at = now(), heartbeat_at = now()`];
  if (finished) runSet.push(sql`finished_at = now()`);
  const runName = sql.identifier(`${prefix}run`);
  const lockName = sql.identifier(`${prefix}lock`);
  const stepUpdates = Object.entries(steps).flatMap(([name, changes], index) => {
    const stepSet = assignments(sagaSteps, changes);
    if (stepSet.length === 0) return [];
    return [
      sql`, ${sql.identifier(`${prefix}step_${index}`)} as (
      update ${sagaSteps} set ${sql.join(stepSet, sql`, `)}
      where saga_id = ${owner.sagaId} and name = ${name} and exists (select from ${runName}))`,
    ];
  });
  const locked = lock
    ? sql`${lockName} as (select id from ${sagaRuns} where id = ${owner.sagaId} for update skip locked), `
    : sql``;
  return sql`${locked}${runName} as (
      update ${sagaRuns} set ${sql.join(runSet, sql`, `)}
      where id = ${owner.sagaId} and owner_version = ${owner.version}${lock ? sql` and exists (select from ${lockName})` : sql``}
      returning id
    )${sql.join(stepUpdates)}`;
}

/** One fenced write; `written` is 1 when the owner still held the run, else 0. It waits for the run's row if held. */
export const fencedWrite = (write: FencedWrite) =>
  sql`with ${fencedWriteParts(write, '')} select count(*)::int as written from ${sql.identifier('run')}`;

/** What became of a write sent with others: its run's row was held by another (not `locked`), or it was `written`. */
export interface WriteOutcome extends Record<string, unknown> {
  position: number;
  locked: boolean;
  written: boolean;
}

/**
 * Several runs' fenced writes in one statement (every statement of a WITH runs, read or not), each done only if its
 * run's row was free (see `fencedWriteParts`); a row per write, in `WriteOutcome`.
 */
export function fencedWritesSkippingLocked(writes: FencedWrite[]) {
  const parts = writes.map((write, position) => fencedWriteParts(write, `w${position}_`, true));
  const outcomes = writes.map((_, position) => {
    const [lock, run] = [sql.identifier(`w${position}_lock`), sql.identifier(`w${position}_run`)];
    return sql`select ${sql.raw(String(position))} as position, exists (select from ${lock}) as locked, exists (select from ${run}) as written`;
  });
  return sql`with ${sql.join(parts, sql`, `)} ${sql.join(outcomes, sql` union all `)}`;
}
