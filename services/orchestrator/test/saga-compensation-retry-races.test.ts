import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SagaDefinition } from '../src/saga/saga-definition.js';
import { createSagaRecovery } from '../src/saga/saga-recovery.js';
import { createSagaRegistry } from '../src/saga/saga-registry.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import {
  callsOf,
  fakeSaga,
  heldCall,
  refusal,
  runnerOptions,
  silentLogger,
  useSagaRepository,
} from './saga-harness.js';

// A declined charge is undone while the payment service is down: the void (compensateUnstarted) fails, so nothing
// before it is given back, and the run ends compensation_failed. The sweep's retry then races other replicas, an
// operator and a take-over. Every test leaves its run finished, so the next test's claims find only its own.

const database = useSagaRepository();
const retry = { firstAfterMs: 10, most: 5 };

type Data = Record<string, string>;

function declinedWhileVoidFails() {
  const trajectory: string[] = [];
  const payment = { down: true, held: undefined as ReturnType<typeof heldCall> | undefined };
  const undo = (name: string) => async () => {
    trajectory.push(`undo:${name}`);
  };
  const definition: SagaDefinition<{ label: string }, Data> = {
    type: 'fake',
    pivot: 'charge',
    steps: [
      { name: 'reserve', run: async () => ({ reserve: 'done' }), compensate: undo('reserve') },
      { name: 'create', run: async () => ({ create: 'done' }), compensate: undo('create') },
      {
        name: 'charge',
        run: async () => {
          throw refusal('PAYMENT_DECLINED');
        },
        compensateUnstarted: true,
        compensate: async () => {
          trajectory.push('undo:charge');
          if (payment.down) throw new Error('payment service down');
          const held = payment.held;
          payment.held = undefined;
          await held?.hold(1);
        },
      },
      { name: 'confirm', run: async () => ({ confirm: 'done' }) },
    ],
  };
  const runner = () => createSagaRunner(definition, runnerOptions(database.repository));
  /** One replica's sweep. */
  const sweep = () =>
    createSagaRecovery({
      repository: database.repository,
      runner: createSagaRegistry(database.repository, { fake: runner() }),
      logger: silentLogger,
      staleAfterMs: 60_000,
      compensationRetry: retry,
    }).sweep();
  return { trajectory, payment, runner, sweep };
}

const runOf = async (id: string) => (await database.repository.find(id))!.run;

async function failedRun(saga: ReturnType<typeof declinedWhileVoidFails>) {
  const id = crypto.randomUUID();
  assert.equal((await saga.runner().start(id, { label: 'race' })).status, 'compensation_failed');
  assert.deepEqual(
    saga.trajectory,
    ['undo:charge', 'undo:charge', 'undo:charge'],
    'nothing given back before the void',
  );
  return id;
}

test('two replicas sweeping at once: one drives the retry, the other and an operator find nothing to take', async () => {
  const saga = declinedWhileVoidFails();
  const id = await failedRun(saga);
  saga.payment.down = false;
  const held = heldCall();
  saga.payment.held = held;
  await sleep(30);

  const first = saga.sweep();
  await held.reached;
  assert.equal((await runOf(id)).status, 'compensating');
  await saga.sweep();
  assert.equal(await database.repository.reopen(id), undefined, "an operator's retry meanwhile is refused");
  held.release();
  await first;

  assert.deepEqual(saga.trajectory.slice(3), ['undo:charge', 'undo:create', 'undo:reserve']);
  const run = await runOf(id);
  assert.deepEqual([run.status, run.compensationRetries, run.ownerVersion], ['compensated', 1, 1]);
});

test("an operator's retry under way: the sweep does not take the run too", async () => {
  const saga = declinedWhileVoidFails();
  const id = await failedRun(saga);
  saga.payment.down = false;
  const held = heldCall();
  saga.payment.held = held;
  await sleep(30);

  const owner = (await database.repository.reopen(id))!;
  const operator = saga.runner().resume(owner);
  await held.reached;
  await saga.sweep();
  held.release();
  assert.equal((await operator).status, 'compensated');
  assert.deepEqual(saga.trajectory.slice(3), ['undo:charge', 'undo:create', 'undo:reserve']);
  assert.deepEqual([(await runOf(id)).compensationRetries, (await runOf(id)).ownerVersion], [0, 1]);
});

test('a sweep retry cut off mid-void is taken over; the old owner gives nothing back', async () => {
  const saga = declinedWhileVoidFails();
  const id = await failedRun(saga);
  saga.payment.down = false;
  const held = heldCall();
  saga.payment.held = held;
  await sleep(30);

  const cutOff = saga.sweep();
  await held.reached;
  // Its heartbeat ages: a sweep takes it over as orphaned.
  const owner = (await database.repository.claimStale(0))!;
  assert.equal(owner.sagaId, id);
  assert.equal((await saga.runner().resume(owner)).status, 'compensated');
  held.release();
  await cutOff;

  assert.deepEqual(saga.trajectory.slice(3), ['undo:charge', 'undo:charge', 'undo:create', 'undo:reserve']);
  const run = await runOf(id);
  assert.deepEqual([run.status, run.compensationRetries, run.ownerVersion], ['compensated', 1, 2]);
});

test('a retry whose void fails again gives nothing back; the next one, the service back, undoes the rest once', async () => {
  const saga = declinedWhileVoidFails();
  const id = await failedRun(saga);
  await sleep(30);
  await saga.sweep();
  assert.equal(callsOf(saga.trajectory, 'undo:charge'), 6);
  assert.equal(callsOf(saga.trajectory, 'undo:create'), 0);
  assert.deepEqual([(await runOf(id)).status, (await runOf(id)).compensationRetries], ['compensation_failed', 1]);
  saga.payment.down = false;
  await sleep(30);
  await saga.sweep();
  assert.deepEqual(saga.trajectory.slice(6), ['undo:charge', 'undo:create', 'undo:reserve']);
  assert.equal((await runOf(id)).status, 'compensated');
});

test('never takes up a run that goes forward (needs_attention)', async () => {
  const { definition, input, newId } = fakeSaga({ confirm: { fail: () => Promise.reject(refusal('ORDER_GONE')) } });
  const id = newId();
  assert.equal(
    (await createSagaRunner(definition, runnerOptions(database.repository)).start(id, input)).status,
    'needs_attention',
  );
  await sleep(20);
  assert.equal(await database.repository.claimFailedCompensation({ firstAfterMs: 1, most: 20 }, ['fake']), undefined);
  assert.equal((await runOf(id)).status, 'needs_attention');
});

test('a failed run no runner of this process knows stays compensation_failed, for an operator', async () => {
  const saga = declinedWhileVoidFails();
  const id = await failedRun(saga);
  await sleep(30);
  // A replica without this saga type (e.g. an older version during a rolling deploy) sweeps.
  await createSagaRecovery({
    repository: database.repository,
    runner: createSagaRegistry(database.repository, {}),
    logger: silentLogger,
    staleAfterMs: 60_000,
    compensationRetry: retry,
  }).sweep();
  const run = await runOf(id);
  assert.deepEqual([run.status, run.compensationRetries], ['compensation_failed', 0]);
});
