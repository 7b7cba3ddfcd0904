import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSagaRecovery } from '../src/saga/saga-recovery.js';
import { createSagaRegistry } from '../src/saga/saga-registry.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import {
  fakeSaga,
  heldCall,
  refusal,
  runnerOptions,
  silentLogger,
  useSagaRepository,
  type FakeStep,
} from './saga-harness.js';

// Two runners of one saga play two processes: the first is cut off mid-step (its call held), the second takes the
// run over as the sweep would (claimStale bumps the owner version) or as an operator's retry does (reopen).

const database = useSagaRepository();

function processes(behaviour: Record<string, FakeStep>) {
  const saga = fakeSaga(behaviour);
  const completions = { first: 0, second: 0 };
  const options = (process: keyof typeof completions) =>
    runnerOptions(database.repository, { onCompleted: () => completions[process]++ });
  return {
    ...saga,
    completions,
    first: createSagaRunner(saga.definition, options('first')),
    second: createSagaRunner(saga.definition, options('second')),
  };
}

/** What the sweep does once the run's heartbeat is old enough: claims it (runs of earlier tests may come first). */
async function takeOver(id: string) {
  for (let claimed = 0; claimed < 20; claimed++) {
    const owner = await database.repository.claimStale(0);
    if (owner?.sagaId === id) return owner;
  }
  throw new Error(`run ${id} was never claimed`);
}

const statusOf = async (id: string) => (await database.repository.find(id))!.run.status;

test('cut off before the pivot: undone as interrupted; the old owner stops before its next call', async () => {
  const held = heldCall();
  const { first, second, trajectory, input, newId } = processes({ create: { fail: held.hold } });
  const id = newId();
  const cutOff = first.start(id, input);
  await held.reached;

  const owner = await takeOver(id);
  assert.equal(owner.version, 1);
  const outcome = await second.resume(owner);

  assert.equal(outcome.status, 'compensated');
  assert.equal(outcome.status === 'compensated' && outcome.failure.code, 'INTERRUPTED');
  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'undo:create', 'undo:reserve']);

  held.release();
  assert.deepEqual(await cutOff, { status: 'running', data: {} });
  assert.deepEqual(
    trajectory,
    ['run:reserve', 'run:create', 'undo:create', 'undo:reserve'],
    'the old owner charged nothing',
  );
  assert.equal(await statusOf(id), 'compensated');
  const create = (await database.repository.find(id))!.steps.find((step) => step.name === 'create')!;
  assert.equal(create.status, 'compensated', "the old owner's late success was not written");
});

test('cut off after the pivot: the run is rolled forward; only the owner that completes it reports it', async () => {
  const held = heldCall();
  const { first, second, trajectory, completions, input, newId } = processes({ confirm: { fail: held.hold } });
  const id = newId();
  const cutOff = first.start(id, input);
  await held.reached;

  const outcome = await second.resume(await takeOver(id));

  assert.equal(outcome.status, 'completed');
  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge', 'run:confirm', 'run:confirm', 'run:notify']);
  held.release();
  assert.equal((await cutOff).status, 'running');
  assert.equal(trajectory.length, 6, 'the old owner did not go on to notify');
  assert.deepEqual(completions, { first: 0, second: 1 });
  assert.equal(await statusOf(id), 'completed');
});

test('cut off past the pivot before the last write: the pivot, recorded as started, is found and the rest redone', async () => {
  const held = heldCall();
  const { first, second, trajectory, keys, completions, input, newId } = processes({
    charge: { resolveInDoubt: async () => ({ charge: 'found' }) },
    notify: { fail: held.hold },
  });
  const id = newId();
  const cutOff = first.start(id, input);
  await held.reached;
  // Confirmed and notifying, yet nothing of it written: the charge's outcome lives only in this process.
  const before = (await database.repository.find(id))!;
  assert.deepEqual(
    before.steps.map((step) => step.status),
    ['succeeded', 'succeeded', 'running', 'pending', 'pending'],
  );

  const outcome = await second.resume(await takeOver(id));

  assert.equal(outcome.status, 'completed');
  assert.deepEqual(trajectory, [
    ...['run:reserve', 'run:create', 'run:charge', 'run:confirm', 'run:notify'],
    ...['lookup:charge', 'run:confirm', 'run:notify'],
  ]);
  assert.equal(keys[3], keys[5], 'confirm is asked again with the same key');
  held.release();
  assert.equal((await cutOff).status, 'running', 'the old owner’s last write is fenced off');
  assert.deepEqual(completions, { first: 0, second: 1 });
  const after = (await database.repository.find(id))!;
  assert.equal(after.run.status, 'completed');
  assert.deepEqual(after.run.data, {
    reserve: 'reserve done',
    create: 'create done',
    charge: 'found',
    confirm: 'confirm done',
    notify: 'notify done',
  });
});

test('a run taken over but not yet resumed still fences its old owner off', async () => {
  const held = heldCall();
  const { first, trajectory, input, newId } = processes({ charge: { fail: held.hold } });
  const id = newId();
  const cutOff = first.start(id, input);
  await held.reached;

  await takeOver(id);
  held.release();

  assert.equal((await cutOff).status, 'running');
  assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge'], 'no step after the take-over');
  const found = (await database.repository.find(id))!;
  assert.equal(found.run.status, 'running');
  assert.equal(found.steps.find((step) => step.name === 'charge')!.status, 'running');
});

test('a pivot cut off mid-call is looked up on recovery: found goes forward, not found is undone', async () => {
  for (const [found, expected] of [
    [{ charge: 'found' }, ['lookup:charge', 'run:confirm', 'run:notify']],
    [undefined, ['lookup:charge', 'undo:charge', 'undo:create', 'undo:reserve']],
  ] as const) {
    const held = heldCall();
    const { first, second, trajectory, input, newId } = processes({
      charge: { fail: held.hold, resolveInDoubt: async () => found },
    });
    const id = newId();
    const cutOff = first.start(id, input);
    await held.reached;

    const outcome = await second.resume(await takeOver(id));

    assert.deepEqual(trajectory, ['run:reserve', 'run:create', 'run:charge', ...expected]);
    assert.equal(outcome.status, found ? 'completed' : 'compensated');
    held.release();
    await cutOff;
  }
});

test('a run needing attention, reopened by an operator, goes forward once; its old owner cannot write', async () => {
  let refusing = true;
  const { first, second, trajectory, completions, input, newId } = processes({
    notify: {
      fail: () => {
        if (refusing) throw refusal('ADDRESS_REJECTED');
      },
    },
  });
  const id = newId();
  assert.equal((await first.start(id, input)).status, 'needs_attention');
  refusing = false;

  const owner = await database.repository.reopen(id);
  assert.deepEqual(owner, { sagaId: id, version: 1 });
  assert.equal((await first.resume({ sagaId: id, version: 0 })).status, 'running', 'the old owner is fenced off');
  assert.equal(trajectory.filter((call) => call === 'run:notify').length, 3);

  assert.equal((await second.resume(owner!)).status, 'completed');
  assert.equal(trajectory.filter((call) => call === 'run:notify').length, 4);
  assert.deepEqual(completions, { first: 0, second: 1 });
  // The sweep meeting a run already completed does nothing and reports nothing again.
  assert.equal((await second.resume(owner!)).status, 'completed');
  assert.deepEqual(completions, { first: 0, second: 1 });
  assert.equal(await database.repository.reopen(id), undefined, 'a completed run cannot be reopened');
});

test('a run whose compensation failed, reopened, undoes only what is still undone', async () => {
  let failing = true;
  const { first, second, trajectory, input, newId } = processes({
    create: {
      failUndo: () => {
        if (failing) throw new Error('order service down');
      },
    },
    charge: {
      fail: () => {
        throw refusal('PAYMENT_DECLINED');
      },
    },
  });
  const id = newId();
  assert.equal((await first.start(id, input)).status, 'compensation_failed');
  failing = false;
  trajectory.length = 0;

  const outcome = await second.resume((await database.repository.reopen(id))!);

  assert.equal(outcome.status, 'compensated');
  assert.deepEqual(trajectory, ['undo:create']);
  const steps = (await database.repository.find(id))!.steps.map((step) => [step.name, step.status]);
  assert.deepEqual(steps, [
    ['reserve', 'compensated'],
    ['create', 'compensated'],
    ['charge', 'compensated'],
    ['confirm', 'pending'],
    ['notify', 'pending'],
  ]);
});

test('the sweep finds an orphaned run and drives it with the runner of its type', async () => {
  const held = heldCall();
  const { first, second, trajectory, input, newId } = processes({ confirm: { fail: held.hold } });
  const id = newId();
  const cutOff = first.start(id, input);
  await held.reached;
  const recovery = createSagaRecovery({
    repository: database.repository,
    runner: createSagaRegistry(database.repository, { fake: second }),
    logger: silentLogger,
    staleAfterMs: 0,
  });

  await recovery.sweep();

  assert.equal(await statusOf(id), 'completed');
  // Orphans left by the tests above are older, so swept first; this run is rolled forward last.
  assert.deepEqual(trajectory.slice(-2), ['run:confirm', 'run:notify']);
  held.release();
  assert.equal((await cutOff).status, 'running');
});
