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
 * only while the owner still holds it, and each step's update happens only if it did.
 */
function fencedWriteParts({ owner, run, steps }: FencedWrite, prefix: string) {
  const finished = run.status && !['running', 'compensating', 'needs_attention'].includes(run.status);
  const runSet = [...assignments(sagaRuns, run), sql`updated_at = now(), heartbeat_at = now()`];
  if (finished) runSet.push(sql`finished_at = now()`);
  const runName = sql.identifier(`${prefix}run`);
  const stepUpdates = Object.entries(steps).flatMap(([name, changes], index) => {
    const stepSet = assignments(sagaSteps, changes);
    if (stepSet.length === 0) return [];
    return [
      sql`, ${sql.identifier(`${prefix}step_${index}`)} as (
      update ${sagaSteps} set ${sql.join(stepSet, sql`, `)}
      where saga_id = ${owner.sagaId} and name = ${name} and exists (select from ${runName}))`,
    ];
  });
  return sql`${runName} as (
      update ${sagaRuns} set ${sql.join(runSet, sql`, `)}
      where id = ${owner.sagaId} and owner_version = ${owner.version}
      returning id
    )${sql.join(stepUpdates)}`;
}

/** One fenced write; `written` is 1 when the owner still held the run, else 0. */
export const fencedWriteStatement = (write: FencedWrite) =>
  sql`with ${fencedWriteParts(write, '')} select count(*)::int as written from ${sql.identifier('run')}`;

/**
 * Several runs' fenced writes in one statement (every statement of a WITH runs, read or not); one row, `written`
 * holding the write's position, for each write whose owner still held its run.
 */
export function fencedWritesStatement(writes: FencedWrite[]) {
  const parts = writes.map((write, position) => fencedWriteParts(write, `w${position}_`));
  const found = writes.map(
    (_, position) => sql`select ${sql.raw(String(position))} as written from ${sql.identifier(`w${position}_run`)}`,
  );
  return sql`with ${sql.join(parts, sql`, `)} ${sql.join(found, sql` union all `)}`;
}
