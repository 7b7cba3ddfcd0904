import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fencedWrites } from '../src/saga/saga-ownership.js';
import type { SagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { fakeSaga, heldCall, refusal, runnerOptions, useSagaRepository, type FakeStep } from './saga-harness.js';

// A step past the pivot declared `alongsidePrevious` (here notify, beside confirm): it runs while confirm is still
// in its call, each keeps its own key and retries, and the run's end waits for both, on any owner.

const database = useSagaRepository();

/** notify runs alongside confirm; charge (the pivot) can be looked up, so nothing past it is written before the end. */
const alongside = (behaviour: Record<string, FakeStep> = {}) =>
  fakeSaga({
    charge: { resolveInDoubt: async () => ({ charge: 'charge done' }) },
    ...behaviour,
    notify: { ...behaviour.notify, alongsidePrevious: true },
  });

const stepRecords = async (id: string) =>
  (await database.repository.find(id))!.steps.map((step) => [step.name, step.status, step.attempts]);

/** What the sweep does once the run's heartbeat is old enough: claims it (runs of earlier tests may come first). */
async function takeOver(id: string) {
  for (let claimed = 0; claimed < 20; claimed++) {
    const owner = await database.repository.claimStale(0);
    if (owner?.sagaId === id) return owner;
  }
  throw new Error(`run ${id} was never claimed`);
}

test(
  'a step alongside the previous one runs while that one is in its call; the run completes once both have',
  {
    timeout: 30_000,
  },
  async () => {
    // confirm's call is let go only by notify's: run one after the other, the run would never end.
    const confirm = heldCall();
    const saga = alongside({
      confirm: { fail: confirm.hold },
      notify: { fail: async () => (await confirm.reached, confirm.release()) },
    });
    const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
    const id = saga.newId();

    const outcome = await runner.start(id, saga.input);

    assert.equal(outcome.status, 'completed');
    assert.deepEqual(saga.trajectory, ['run:reserve', 'run:create', 'run:charge', 'run:confirm', 'run:notify']);
    assert.deepEqual(saga.keys.slice(3), [`${id}:confirm`, `${id}:notify`]);
    assert.deepEqual(outcome.data, {
      reserve: 'reserve done',
      create: 'create done',
      charge: 'charge done',
      confirm: 'confirm done',
      notify: 'notify done',
    });
    assert.deepEqual((await database.repository.find(id))!.run.data, outcome.data);
    assert.ok((await stepRecords(id)).every(([, status, attempts]) => status === 'succeeded' && attempts === 1));
  },
);

test('the previous step refused for good does not stop the one alongside; the retry runs only what is left', async () => {
  const saga = alongside({
    confirm: {
      fail: (attempt) => {
        if (attempt <= 3) throw refusal('ORDER_LOCKED');
      },
    },
  });
  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const id = saga.newId();

  const outcome = await runner.start(id, saga.input);

  assert.equal(outcome.status, 'needs_attention');
  assert.deepEqual((await stepRecords(id)).slice(3), [
    ['confirm', 'failed', 3],
    ['notify', 'succeeded', 1],
  ]);
  assert.equal(saga.trajectory.filter((call) => call === 'run:notify').length, 1);

  const owner = (await database.repository.reopen(id))!;
  assert.equal((await runner.resume(owner)).status, 'completed');
  assert.equal(saga.trajectory.filter((call) => call === 'run:confirm').length, 4);
  assert.equal(saga.trajectory.filter((call) => call === 'run:notify').length, 1, 'notify is not called again');
  assert.deepEqual((await stepRecords(id)).slice(3), [
    ['confirm', 'succeeded', 4],
    ['notify', 'succeeded', 1],
  ]);
});

test('taken over while the two run: the new owner runs both again with their keys, the old one writes nothing', async () => {
  const held = heldCall();
  const completions: string[] = [];
  const saga = alongside({ confirm: { fail: held.hold } });
  const options = (name: string) =>
    runnerOptions(database.repository, { onCompleted: () => void completions.push(name) });
  const first = createSagaRunner(saga.definition, options('first'));
  const second = createSagaRunner(saga.definition, options('second'));
  const id = saga.newId();
  const cutOff = first.start(id, saga.input);
  await held.reached;

  const outcome = await second.resume(await takeOver(id));
  held.release();

  assert.equal(outcome.status, 'completed');
  assert.deepEqual((await cutOff).status, 'running', 'fenced off: its end is not written');
  assert.deepEqual(completions, ['second']);
  assert.deepEqual(saga.trajectory.slice(3).sort(), [
    'lookup:charge',
    'run:confirm',
    'run:confirm',
    'run:notify',
    'run:notify',
  ]);
  assert.deepEqual(saga.keys.filter((key) => !/:(reserve|create|charge)$/.test(key)).sort(), [
    `${id}:confirm`,
    `${id}:confirm`,
    `${id}:notify`,
    `${id}:notify`,
  ]);
  assert.ok((await stepRecords(id)).every(([, status]) => status === 'succeeded'));
});

test('a step may run alongside another only if both come after the pivot', () => {
  const saga = fakeSaga({ confirm: { alongsidePrevious: true } });
  assert.throws(
    () => createSagaRunner(saga.definition, runnerOptions(database.repository)),
    /confirm may run alongside the step before it only if both come after the pivot/,
  );
});

test('what a step keeps back while another step’s write is on its way goes with the next write', async () => {
  const saga = fakeSaga();
  const id = saga.newId();
  const { repository } = database;
  await repository.create({ id, type: 'fake', input: saga.input, stepNames: ['reserve', 'create'] });
  const slowWrite = heldCall();
  const writes = fencedWrites(
    {
      ...repository,
      // The statement is made of what is sent when the write is called, as the real one is.
      write: async (owner, run, steps) => {
        const sent = structuredClone({ run, steps });
        await slowWrite.hold(1);
        return repository.write(owner, sent.run, sent.steps);
      },
    } satisfies SagaRepository,
    { sagaId: id, version: 0 },
  );

  const inFlight = writes.step('reserve', { status: 'failed' });
  await slowWrite.reached;
  writes.later({}, { create: { status: 'running', attempts: 1 } });
  slowWrite.release();
  await inFlight;
  await writes.flush();

  assert.deepEqual(await stepRecords(id), [
    ['reserve', 'failed', 1],
    ['create', 'running', 1],
  ]);
});
