import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fencedWrites } from '../src/saga/saga-ownership.js';
import type { SagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import {
  alongsideSaga,
  callsOf,
  fakeSaga,
  heldCall,
  refusal,
  runnerOptions,
  timeout,
  useSagaRecords,
} from './saga-harness.js';

// Steps running alongside (notify beside confirm, both past the charge) failing for a while or for good: each is
// retried on its own, what one did is kept whatever the other's fate, and no held change is lost.

const { database, takeOver, stepRecords } = useSagaRecords();

test('one step failing for a while as the other succeeds: each retried on its own, both outputs kept', async () => {
  const saga = alongsideSaga({
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
  const saga = alongsideSaga({
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

test('one step still failing after its attempts, the other done: the done one is kept, the sweep runs the other only', async () => {
  const saga = alongsideSaga({
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
  const saga = alongsideSaga({
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
