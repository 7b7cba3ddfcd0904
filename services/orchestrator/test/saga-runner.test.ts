import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@ecomm/platform';
import { createPivotGate } from '../src/saga/pivot-gate.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { fakeSaga, heldCall, refusal, runnerOptions, useSagaRepository, type FakeStep } from './saga-harness.js';

// The saga runner with fake steps on a real database: which calls it makes, in which order, and what it records.

const database = useSagaRepository();

function runnerFor(behaviour: Record<string, FakeStep> = {}, onCompleted?: (type: string, data: unknown) => void) {
  const saga = fakeSaga(behaviour);
  const runner = createSagaRunner(
    saga.definition,
    runnerOptions(database.repository, onCompleted ? { onCompleted } : {}),
  );
  return { ...saga, runner };
}

/** An outcome as read back from the database (JSON: an undefined field is absent). */
const asStored = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

const stepStatuses = async (id: string) =>
  Object.fromEntries((await database.repository.find(id))!.steps.map((step) => [step.name, step.status]));

test('a run whose steps all succeed runs each once, in order, and completes once', async () => {
  const completed: unknown[] = [];
  const { runner, trajectory, keys, input, newId } = runnerFor({}, (type, data) => completed.push({ type, data }));
  const id = newId();

  const outcome = await runner.start(id, input);

  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge', 'run:confirm', 'run:notify']);
  assert.deepEqual(
    keys,
    ['reserve', 'create', 'charge', 'confirm', 'notify'].map((step) => `${id}:${step}`),
  );
  const data = {
    reserve: 'reserve done',
    create: 'create done',
    charge: 'charge done',
    confirm: 'confirm done',
    notify: 'notify done',
  };
  assert.deepEqual(outcome, { status: 'completed', data });
  assert.deepEqual(completed, [{ type: 'fake', data }]);
  const found = (await database.repository.find(id))!;
  assert.equal(found.run.status, 'completed');
  assert.deepEqual(found.run.data, data);
  assert.ok(found.run.finishedAt);
  assert.deepEqual(
    found.steps.map((step) => [step.name, step.status, step.attempts]),
    [
      ['reserve', 'succeeded', 1],
      ['create', 'succeeded', 1],
      ['charge', 'succeeded', 1],
      ['confirm', 'succeeded', 1],
      ['notify', 'succeeded', 1],
    ],
  );
  assert.deepEqual(await runner.outcomeOf(id), outcome);
});

test('a failure before the pivot undoes the steps that ran, newest first, and nothing after it runs', async () => {
  const completed: unknown[] = [];
  const { runner, trajectory, input, newId } = runnerFor(
    {
      create: {
        fail: () => {
          throw refusal('OUT_OF_STOCK');
        },
      },
    },
    () => completed.push(1),
  );
  const id = newId();

  const outcome = await runner.start(id, input);

  // A failed step is undone too (it may have half happened); a step never started is not.
  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'undo:create', 'undo:reserve']);
  assert.equal(outcome.status, 'compensated');
  assert.deepEqual(outcome.status === 'compensated' && outcome.failure, {
    step: 'create',
    statusCode: 409,
    code: 'OUT_OF_STOCK',
    message: 'Refused: OUT_OF_STOCK',
    details: undefined,
  });
  assert.deepEqual(await stepStatuses(id), {
    reserve: 'compensated',
    create: 'compensated',
    charge: 'pending',
    confirm: 'pending',
    notify: 'pending',
  });
  assert.equal((await database.repository.find(id))!.run.status, 'compensated');
  assert.deepEqual(completed, []);
  assert.deepEqual(await runner.outcomeOf(id), asStored(outcome));
});

test('a pivot marked compensateUnstarted is undone even though it never started', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    create: {
      fail: () => {
        throw refusal();
      },
    },
    charge: { compensateUnstarted: true },
  });

  await runner.start(newId(), input);

  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'undo:charge', 'undo:create', 'undo:reserve']);
});

test('a compensation that keeps failing is retried, recorded, and the others still run', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    create: {
      failUndo: () => {
        throw new Error('order service down');
      },
    },
    charge: {
      fail: () => {
        throw refusal('PAYMENT_DECLINED');
      },
    },
  });
  const id = newId();

  const outcome = await runner.start(id, input);

  assert.deepEqual(trajectory, [
    'run:reserve',
    'run:create',
    'run:charge',
    'undo:charge',
    'undo:create',
    'undo:create',
    'undo:create',
    'undo:reserve',
  ]);
  assert.equal(outcome.status, 'compensation_failed');
  const found = (await database.repository.find(id))!;
  assert.equal(found.run.status, 'compensation_failed');
  const create = found.steps.find((step) => step.name === 'create')!;
  assert.equal(create.status, 'compensation_failed');
  assert.equal(create.compensationAttempts, 3);
  assert.match(create.error ?? '', /compensation failed: order service down/);
  assert.deepEqual(await stepStatuses(id), {
    reserve: 'compensated',
    create: 'compensation_failed',
    charge: 'compensated',
    confirm: 'pending',
    notify: 'pending',
  });
});

test('a compensateUnstarted step whose undo keeps failing leaves the steps before it undone, for a retry', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    charge: {
      compensateUnstarted: true,
      fail: () => {
        throw refusal('PAYMENT_DECLINED');
      },
      failUndo: () => {
        throw new Error('payment service down');
      },
    },
  });
  const id = newId();

  const outcome = await runner.start(id, input);

  // Its call may still land: what it would land on is not given back meanwhile.
  assert.deepEqual(trajectory, [
    'run:reserve',
    'run:create',
    'run:charge',
    'undo:charge',
    'undo:charge',
    'undo:charge',
  ]);
  assert.equal(outcome.status, 'compensation_failed');
  assert.deepEqual(await stepStatuses(id), {
    reserve: 'succeeded',
    create: 'succeeded',
    charge: 'compensation_failed',
    confirm: 'pending',
    notify: 'pending',
  });
});

test('past the pivot a step failing once is retried with the same key and the run completes', async () => {
  const { runner, trajectory, keys, input, newId } = runnerFor({
    confirm: {
      fail: (attempt) => {
        if (attempt === 1) throw new Error('flaky');
      },
    },
  });
  const id = newId();

  assert.equal((await runner.start(id, input)).status, 'completed');

  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge', 'run:confirm', 'run:confirm', 'run:notify']);
  assert.equal(keys[3], keys[4]);
  const confirm = (await database.repository.find(id))!.steps.find((step) => step.name === 'confirm')!;
  assert.deepEqual([confirm.status, confirm.attempts, confirm.error], ['succeeded', 2, null]);
});

test('past the pivot a refusal for good is retried, then the run needs attention and nothing is undone', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    confirm: {
      fail: () => {
        throw refusal('ORDER_GONE');
      },
    },
  });
  const id = newId();

  const outcome = await runner.start(id, input);

  assert.deepEqual(trajectory, [
    'run:reserve',
    'run:create',
    'run:charge',
    'run:confirm',
    'run:confirm',
    'run:confirm',
  ]);
  assert.equal(outcome.status, 'needs_attention');
  const found = (await database.repository.find(id))!;
  assert.equal(found.run.status, 'needs_attention');
  assert.deepEqual(found.run.failure, {
    step: 'confirm',
    statusCode: 409,
    code: 'ORDER_GONE',
    message: 'Refused: ORDER_GONE',
  });
  assert.deepEqual(await stepStatuses(id), {
    reserve: 'succeeded',
    create: 'succeeded',
    charge: 'succeeded',
    confirm: 'failed',
    notify: 'pending',
  });
  assert.deepEqual(await runner.outcomeOf(id), asStored(outcome));
});

test('past the pivot a refusal that may pass leaves the run running for the sweep', async () => {
  for (const error of [new AppError(429, 'RATE_LIMITED', 'Slow down'), new Error('connection reset')]) {
    const { runner, trajectory, input, newId } = runnerFor({
      notify: {
        fail: () => {
          throw error;
        },
      },
    });
    const id = newId();

    const outcome = await runner.start(id, input);

    assert.equal(outcome.status, 'running', error.message);
    assert.deepEqual(trajectory.slice(-4), ['run:confirm', 'run:notify', 'run:notify', 'run:notify']);
    assert.equal((await database.repository.find(id))!.run.status, 'running');
    assert.equal((await runner.outcomeOf(id))!.status, 'running');
  }
});

test('the pivot gate shut while a step runs stops the run before its pivot and undoes it', async () => {
  const held = heldCall();
  const { runner, trajectory, input, newId } = runnerFor({ create: { fail: held.hold } });
  const gate = createPivotGate();
  const id = newId();

  const run = runner.start(id, input, undefined, gate);
  await held.reached;
  assert.equal(gate.shut(), true, 'the run has not begun its pivot yet');
  held.release();
  const outcome = await run;

  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'undo:create', 'undo:reserve']);
  assert.equal(outcome.status, 'compensated');
  assert.equal(outcome.status === 'compensated' && outcome.failure.code, 'DEADLINE_EXCEEDED');
  assert.equal(outcome.status === 'compensated' && outcome.failure.step, 'charge');
});

test('the pivot gate cannot be shut once the pivot has begun: the run goes on to completion', async () => {
  const held = heldCall();
  const { runner, trajectory, input, newId } = runnerFor({ charge: { fail: held.hold } });
  const gate = createPivotGate();

  const run = runner.start(newId(), input, undefined, gate);
  await held.reached;
  assert.equal(gate.shut(), false);
  held.release();

  assert.equal((await run).status, 'completed');
  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge', 'run:confirm', 'run:notify']);
});

test('outcomeOf knows no run that was never started', async () => {
  assert.equal(await runnerFor().runner.outcomeOf(fakeSaga().newId()), undefined);
});
