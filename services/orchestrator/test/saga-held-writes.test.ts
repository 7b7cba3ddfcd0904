import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPivotGate } from '../src/saga/pivot-gate.js';
import type { SagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { fakeSaga, refusal, runnerOptions, useSagaRepository } from './saga-harness.js';

// What a step's outcome, kept back to be written with the next write, becomes when that next write does not go as
// planned; and what a run's first step, recorded as started by the run's creation, means to its compensation.

const database = useSagaRepository();

const stepRecords = async (id: string) =>
  Object.fromEntries(
    (await database.repository.find(id))!.steps.map((step) => [step.name, [step.status, step.attempts]]),
  );

/** The repository, its `write` failing once (a dropped connection) when `failWhen` says so. */
function flakyWrites(failWhen: (steps: Parameters<SagaRepository['write']>[2]) => boolean): SagaRepository {
  const { repository } = database;
  let failed = false;
  return {
    ...repository,
    write: async (owner, run, steps) => {
      if (!failed && failWhen(steps)) {
        failed = true;
        throw new Error('Connection terminated unexpectedly');
      }
      return repository.write(owner, run, steps);
    },
  };
}

test('a compensation recorded as done is not lost when the next compensation start fails to be written', async () => {
  const saga = fakeSaga({ create: { fail: () => Promise.reject(refusal('OUT_OF_STOCK')) } });
  // The write that records the start of reserve's undo fails once: the undo is retried, as it should be.
  const repository = flakyWrites((steps) => steps.reserve?.compensationAttempts === 1);
  const runner = createSagaRunner(saga.definition, runnerOptions(repository));
  const id = saga.newId();

  const outcome = await runner.start(id, saga.input);

  assert.equal(outcome.status, 'compensated');
  assert.deepEqual(saga.trajectory, ['run:reserve', 'run:create', 'undo:create', 'undo:reserve']);
  // create's undo succeeded before the failed write; its record must say so, not that it is still to be undone.
  const records = await stepRecords(id);
  assert.equal(records.create![0], 'compensated', `create is recorded as ${String(records.create![0])}`);
  assert.equal(records.reserve![0], 'compensated');
});

test('a run stopped by its gate before its first step never undoes that step nor records it as started', async () => {
  const saga = fakeSaga();
  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const gate = createPivotGate();
  // The deadline passed before the run got to its first call (e.g. a slow insert of the run).
  assert.equal(gate.shut(), true);
  const id = saga.newId();

  const outcome = await runner.start(id, saga.input, undefined, gate);

  assert.equal(outcome.status, 'compensated');
  assert.deepEqual(saga.trajectory, [], 'reserve was never called, so there is nothing of it to undo');
  assert.deepEqual((await stepRecords(id)).reserve, ['pending', 0]);
});
