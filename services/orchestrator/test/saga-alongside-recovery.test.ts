import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fencedWrites } from '../src/saga/saga-ownership.js';
import type { SagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import {
  fakeSaga,
  heldCall,
  refusal,
  runnerOptions,
  timeout,
  useSagaRepository,
  type FakeStep,
} from './saga-harness.js';

// Steps running alongside (notify beside confirm, both past the charge) under retries, refusals, take-overs and runs
// left by the code from before steps could run together: each step is called exactly as often as it must be.

const database = useSagaRepository();

const alongside = (behaviour: Record<string, FakeStep> = {}) =>
  fakeSaga({
    ...behaviour,
    charge: { resolveInDoubt: async () => ({ charge: 'charge done' }), ...behaviour.charge },
    notify: { ...behaviour.notify, alongsidePrevious: true },
  });

const callsOf = (trajectory: string[], call: string) => trajectory.filter((each) => each === call).length;
const stepRecords = async (id: string) =>
  (await database.repository.find(id))!.steps.map((step) => [step.name, step.status, step.attempts]);

async function takeOver(id: string) {
  for (let claimed = 0; claimed < 20; claimed++) {
    const owner = await database.repository.claimStale(0);
    if (owner?.sagaId === id) return owner;
  }
  throw new Error(`run ${id} was never claimed`);
}

test('one step failing for a while as the other succeeds: each retried on its own, both outputs kept', async () => {
  const saga = alongside({
    confirm: {
      fail: (attempt) => {
        if (attempt <= 2) throw timeout();
      },
    },
  });
  const id = saga.newId();

  const outcome = await createSagaRunner(saga.definition, runnerOptions(database.repository)).start(id, saga.input);

  assert.equal(outcome.status, 'completed');
  assert.equal(callsOf(saga.trajectory, 'run:confirm'), 3);
  assert.equal(callsOf(saga.trajectory, 'run:notify'), 1);
  assert.deepEqual((await stepRecords(id)).slice(2), [
    ['charge', 'succeeded', 1],
    ['confirm', 'succeeded', 3],
    ['notify', 'succeeded', 1],
  ]);
  const { run } = (await database.repository.find(id))!;
  assert.deepEqual([run.status, run.data], ['completed', outcome.data]);
  assert.equal((outcome.data as Record<string, string>).confirm, 'confirm done');
  assert.equal((outcome.data as Record<string, string>).notify, 'notify done');
});

test('the step alongside refused for good while the first succeeds: the retry runs only it, once', async () => {
  const saga = alongside({
    notify: {
      fail: (attempt) => {
        if (attempt <= 3) throw refusal('CLAIM_GONE');
      },
    },
  });
  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const id = saga.newId();

  const outcome = await runner.start(id, saga.input);

  assert.equal(outcome.status, 'needs_attention');
  assert.equal(outcome.status === 'needs_attention' && outcome.failure.step, 'notify');
  assert.deepEqual((await stepRecords(id)).slice(3), [
    ['confirm', 'succeeded', 1],
    ['notify', 'failed', 3],
  ]);
  assert.equal(((await database.repository.find(id))!.run.data as Record<string, string>).confirm, 'confirm done');

  const retried = await runner.resume((await database.repository.reopen(id))!);
  assert.equal(retried.status, 'completed');
  assert.equal(callsOf(saga.trajectory, 'run:confirm'), 1, 'confirm is not called again');
  assert.equal(callsOf(saga.trajectory, 'run:notify'), 4);
});

test('an owner that lost the run during the charge calls neither step alongside; the new owner calls each once', async () => {
  const saga = alongside({
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
  const saga = alongside({
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
  saga: ReturnType<typeof alongside>,
  steps: Record<string, { status: 'succeeded' | 'running'; attempts: number }>,
  data: Record<string, string>,
) {
  const id = saga.newId();
  const stepNames = saga.definition.steps.map((step) => step.name);
  const created = await database.repository.create({ id, type: 'fake', input: saga.input, stepNames });
  assert.ok(await database.repository.write(created, { data }, steps));
  return id;
}

test('a run left by the earlier code with confirm done and notify started is finished by notify alone', async () => {
  const saga = alongside();
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
  const saga = alongside();
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

test('one step still failing after its attempts, the other done: the done one is kept, the sweep runs the other only', async () => {
  const saga = alongside({
    confirm: {
      fail: (attempt) => {
        if (attempt <= 3) throw timeout();
      },
    },
  });
  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const id = saga.newId();

  assert.equal((await runner.start(id, saga.input)).status, 'running', 'left for the sweep');
  assert.deepEqual((await stepRecords(id)).slice(3), [
    ['confirm', 'failed', 3],
    ['notify', 'succeeded', 1],
  ]);
  assert.equal(((await database.repository.find(id))!.run.data as Record<string, string>).notify, 'notify done');

  assert.equal((await runner.resume(await takeOver(id))).status, 'completed');
  assert.equal(callsOf(saga.trajectory, 'run:confirm'), 4);
  assert.equal(callsOf(saga.trajectory, 'run:notify'), 1, 'notify is not called again');
});

test('the second step refused while the first still fails: left for the sweep, then waits for an operator', async () => {
  const saga = alongside({
    confirm: {
      fail: (attempt) => {
        if (attempt <= 3) throw timeout();
      },
    },
    notify: { fail: () => Promise.reject(refusal('CLAIM_GONE')) },
  });
  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const id = saga.newId();

  assert.equal((await runner.start(id, saga.input)).status, 'running');
  const swept = await runner.resume(await takeOver(id));

  assert.equal(swept.status, 'needs_attention');
  assert.equal(swept.status === 'needs_attention' && swept.failure.step, 'notify');
  assert.deepEqual((await stepRecords(id)).slice(3), [
    ['confirm', 'succeeded', 4],
    ['notify', 'failed', 6],
  ]);
});

test('a run the earlier code left waiting for an operator, confirm refused and notify never run, is finished by the retry', async () => {
  const saga = alongside();
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

test('a write that fails puts back what it carried under what was kept back meanwhile: the newer change wins', async () => {
  const saga = fakeSaga();
  const id = saga.newId();
  const { repository } = database;
  const owner = await repository.create({ id, type: 'fake', input: saga.input, stepNames: ['reserve', 'create'] });
  const failingWrite = heldCall();
  let writesMade = 0;
  const writes = fencedWrites(
    {
      ...repository,
      write: async (...sent) => {
        if (++writesMade > 1) return repository.write(...sent);
        await failingWrite.hold(1);
        throw new Error('connection terminated');
      },
    } satisfies SagaRepository,
    owner,
  );

  const lost = writes.step('create', { status: 'running', attempts: 2 });
  await failingWrite.reached;
  writes.later({ data: { reserve: 'reserve done' } }, { create: { status: 'failed', error: 'refused' } });
  failingWrite.release();
  await assert.rejects(lost, /connection terminated/);
  await writes.flush();

  const found = (await repository.find(id))!;
  assert.deepEqual(found.run.data, { reserve: 'reserve done' });
  const create = found.steps.find((step) => step.name === 'create')!;
  assert.deepEqual([create.status, create.attempts, create.error], ['failed', 2, 'refused']);
});
