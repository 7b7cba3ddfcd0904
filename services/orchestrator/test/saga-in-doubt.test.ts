import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { fakeSaga, refusal, runnerOptions, timeout, useSagaRepository, type FakeStep } from './saga-harness.js';

// A step whose call may have taken effect unheard (a timeout) is looked up before anything is decided.

const database = useSagaRepository();

function runnerFor(charge: FakeStep) {
  const saga = fakeSaga({
    charge: { isInDoubt: (error) => error instanceof Error && error.message === timeout().message, ...charge },
  });
  return { ...saga, runner: createSagaRunner(saga.definition, runnerOptions(database.repository)) };
}

test('found: the step counts as done with what the lookup found, and is not called again', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    fail: () => {
      throw timeout();
    },
    resolveInDoubt: async () => ({ charge: 'found at the gateway' }),
  });
  const id = newId();

  const outcome = await runner.start(id, input);

  assert.deepEqual(trajectory, [
    'run:reserve',
    'run:create',
    'run:charge',
    'lookup:charge',
    'run:confirm',
    'run:notify',
  ]);
  assert.equal(outcome.status, 'completed');
  assert.equal(outcome.data.charge, 'found at the gateway');
  const charge = (await database.repository.find(id))!.steps.find((step) => step.name === 'charge')!;
  assert.deepEqual([charge.status, charge.attempts], ['succeeded', 1]);
});

test('not found while still in doubt: asked again with the same key, then the run goes on', async () => {
  const { runner, trajectory, keys, input, newId } = runnerFor({
    fail: (attempt) => {
      if (attempt === 1) throw timeout();
    },
    resolveInDoubt: async () => undefined,
  });

  assert.equal((await runner.start(newId(), input)).status, 'completed');

  assert.deepEqual(trajectory, [
    'run:reserve',
    'run:create',
    'run:charge',
    'lookup:charge',
    'run:charge',
    'run:confirm',
    'run:notify',
  ]);
  assert.equal(keys[2], keys[3], 'the charge is asked again under its first key');
});

test('not found after a plain refusal: the pivot failed, and the run is undone from it down', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    fail: () => {
      throw refusal('PAYMENT_DECLINED');
    },
    resolveInDoubt: async () => undefined,
  });

  const outcome = await runner.start(newId(), input);

  assert.deepEqual(trajectory, [
    'run:reserve',
    'run:create',
    'run:charge',
    'lookup:charge',
    'undo:charge',
    'undo:create',
    'undo:reserve',
  ]);
  assert.equal(outcome.status, 'compensated');
  assert.equal(outcome.status === 'compensated' && outcome.failure.code, 'PAYMENT_DECLINED');
});

test('unknown: when even the lookup goes unanswered nothing is undone, and the run waits for the sweep', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    fail: () => {
      throw timeout();
    },
    resolveInDoubt: async () => {
      throw timeout();
    },
  });
  const id = newId();

  const outcome = await runner.start(id, input);

  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge', 'lookup:charge']);
  assert.equal(outcome.status, 'running');
  const found = (await database.repository.find(id))!;
  assert.equal(found.run.status, 'running');
  assert.equal(found.steps.find((step) => step.name === 'charge')!.status, 'running');
});

test('in doubt on every attempt: the run stops asking, records why, and waits for the sweep', async () => {
  const { runner, trajectory, input, newId } = runnerFor({
    fail: () => {
      throw timeout();
    },
    resolveInDoubt: async () => undefined,
  });
  const id = newId();

  assert.equal((await runner.start(id, input)).status, 'running');

  assert.deepEqual(trajectory.slice(2), [
    'run:charge',
    'lookup:charge',
    'run:charge',
    'lookup:charge',
    'run:charge',
    'lookup:charge',
  ]);
  const charge = (await database.repository.find(id))!.steps.find((step) => step.name === 'charge')!;
  assert.equal(charge.status, 'running');
  assert.match(charge.error ?? '', /^outcome unknown: No answer in time/);
});
