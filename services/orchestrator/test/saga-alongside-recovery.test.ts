import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { alongsideSaga, callsOf, heldCall, runnerOptions, timeout, useSagaRecords } from './saga-harness.js';

// Steps running alongside (notify beside confirm, both past the charge) taken over, and runs left by the code from
// before steps could run together: each step is called exactly as often as it must be, never by an owner fenced off.

const { database, takeOver, stepRecords } = useSagaRecords();

test('an owner that lost the run during the charge calls neither step alongside; the new owner calls each once', async () => {
  const saga = alongsideSaga({
    charge: {
      // Taken over mid-charge; the call outlasts a heartbeat, so no beat finds the run this owner's any more.
      fail: async (attempt) => {
        if (attempt > 1) return;
        await takeOver(id);
        await sleep(100);
      },
    },
  });
  const id = saga.newId();
  const first = createSagaRunner(saga.definition, runnerOptions(database.repository, { heartbeatMs: 20 }));

  const cutOff = await first.start(id, saga.input);

  assert.equal(cutOff.status, 'running');
  assert.deepEqual(saga.trajectory, ['run:reserve', 'run:create', 'run:charge'], 'fenced off before either call');
  assert.deepEqual(
    (await stepRecords(id)).map(([, status]) => status),
    ['succeeded', 'succeeded', 'running', 'pending', 'pending'],
  );

  const second = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const outcome = await second.resume(await takeOver(id));
  assert.equal(outcome.status, 'completed');
  assert.deepEqual(saga.trajectory.slice(3).sort(), ['lookup:charge', 'run:confirm', 'run:notify']);
});

test('an owner taken over while the two run retries neither: its failed step stops at the fenced start', async () => {
  const held = heldCall();
  const saga = alongsideSaga({
    confirm: {
      fail: async (attempt) => {
        await held.hold(attempt);
        if (attempt === 1) throw timeout();
      },
    },
  });
  const id = saga.newId();
  const first = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const second = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const cutOff = first.start(id, saga.input);
  await held.reached;

  const owner = await takeOver(id);
  held.release();
  assert.equal((await cutOff).status, 'running');
  // The old owner's first calls went out while the run was surely its own; after its failure, nothing more.
  assert.equal(callsOf(saga.trajectory, 'run:confirm'), 1);
  assert.equal(callsOf(saga.trajectory, 'run:notify'), 1);

  assert.equal((await second.resume(owner)).status, 'completed');
  assert.equal(callsOf(saga.trajectory, 'run:confirm'), 2);
  assert.equal(callsOf(saga.trajectory, 'run:notify'), 2);
  assert.ok((await stepRecords(id)).every(([, status]) => status === 'succeeded'));
});

/** A run as the code before steps ran together left it: the steps one after the other, recorded up to some point. */
async function runLeftByEarlierCode(
  saga: ReturnType<typeof alongsideSaga>,
  steps: Record<string, { status: 'succeeded' | 'running' | 'failed'; attempts: number }>,
  data: Record<string, string>,
) {
  const id = saga.newId();
  const stepNames = saga.definition.steps.map((step) => step.name);
  const created = await database.repository.create({ id, type: 'fake', input: saga.input, stepNames });
  assert.ok(await database.repository.write(created, { data }, steps));
  return id;
}

test('a run left by the earlier code with confirm done and notify started is finished by notify alone', async () => {
  const saga = alongsideSaga();
  const done = { status: 'succeeded', attempts: 1 } as const;
  const id = await runLeftByEarlierCode(
    saga,
    { reserve: done, create: done, charge: done, confirm: done, notify: { status: 'running', attempts: 1 } },
    { reserve: 'reserve done', create: 'create done', charge: 'charge done', confirm: 'confirm done' },
  );

  const outcome = await createSagaRunner(saga.definition, runnerOptions(database.repository)).resume(
    await takeOver(id),
  );

  assert.equal(outcome.status, 'completed');
  assert.deepEqual(saga.trajectory, ['run:notify']);
  assert.equal((outcome.data as Record<string, string>).confirm, 'confirm done', 'the earlier output is kept');
  assert.ok((await stepRecords(id)).every(([, status]) => status === 'succeeded'));
});

test('a run left by the earlier code with the charge recorded as started finds it and runs both steps once', async () => {
  const saga = alongsideSaga();
  const done = { status: 'succeeded', attempts: 1 } as const;
  const id = await runLeftByEarlierCode(
    saga,
    { reserve: done, create: done, charge: { status: 'running', attempts: 1 } },
    { reserve: 'reserve done', create: 'create done' },
  );

  const outcome = await createSagaRunner(saga.definition, runnerOptions(database.repository)).resume(
    await takeOver(id),
  );

  assert.equal(outcome.status, 'completed');
  // Each writes its start first (the run is not yet surely this owner's), so either may be called first.
  assert.deepEqual(saga.trajectory.slice().sort(), ['lookup:charge', 'run:confirm', 'run:notify']);
  assert.deepEqual((await database.repository.find(id))!.run.data, {
    reserve: 'reserve done',
    create: 'create done',
    charge: 'charge done',
    confirm: 'confirm done',
    notify: 'notify done',
  });
});

test('a run the earlier code left waiting for an operator, confirm refused and notify never run, is finished by the retry', async () => {
  const saga = alongsideSaga();
  const done = { status: 'succeeded', attempts: 1 } as const;
  const id = await runLeftByEarlierCode(
    saga,
    { reserve: done, create: done, charge: done, confirm: { status: 'failed', attempts: 3 } },
    { reserve: 'reserve done', create: 'create done', charge: 'charge done' },
  );
  const failure = { step: 'confirm', statusCode: 409, code: 'ORDER_LOCKED', message: 'Refused: ORDER_LOCKED' };
  assert.ok(await database.repository.write({ sagaId: id, version: 0 }, { status: 'needs_attention', failure }, {}));

  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const outcome = await runner.resume((await database.repository.reopen(id))!);

  assert.equal(outcome.status, 'completed');
  assert.deepEqual(saga.trajectory.slice().sort(), ['run:confirm', 'run:notify']);
  assert.deepEqual((await stepRecords(id)).slice(3), [
    ['confirm', 'succeeded', 4],
    ['notify', 'succeeded', 1],
  ]);
});
