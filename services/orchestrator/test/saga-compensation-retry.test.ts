import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSagaRecovery } from '../src/saga/saga-recovery.js';
import { createSagaRegistry } from '../src/saga/saga-registry.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { callsOf, fakeSaga, refusal, runnerOptions, silentLogger, useSagaRepository } from './saga-harness.js';

// A declined charge is undone while the order service is down: undoing `create` fails, and the run ends
// compensation_failed. The sweep compensates it again once its back-off has passed, as any replica would. The tests
// share one database: each sweep's `most` leaves out the runs of the tests before it.

const database = useSagaRepository();

function declinedWhileUndoFails() {
  const service = { down: true };
  const saga = fakeSaga({
    create: {
      failUndo: () => {
        if (service.down) throw new Error('order service down');
      },
    },
    charge: {
      fail: () => {
        throw refusal('PAYMENT_DECLINED');
      },
    },
  });
  const runner = createSagaRunner(saga.definition, runnerOptions(database.repository));
  const sweepWith = (compensationRetry?: { firstAfterMs: number; most: number }) =>
    createSagaRecovery({
      repository: database.repository,
      runner: createSagaRegistry(database.repository, { fake: runner }),
      logger: silentLogger,
      staleAfterMs: 60_000,
      ...(compensationRetry ? { compensationRetry } : {}),
    }).sweep();
  return { ...saga, service, runner, sweepWith };
}

const runOf = async (id: string) => (await database.repository.find(id))!.run;

test('the sweep compensates a failed undo again after a back-off doubling each time, then leaves it to an operator', async () => {
  const { runner, sweepWith, trajectory, input, newId } = declinedWhileUndoFails();
  const retry = { firstAfterMs: 1_000, most: 2 };
  const id = newId();
  assert.equal((await runner.start(id, input)).status, 'compensation_failed');
  assert.equal(callsOf(trajectory, 'undo:create'), 3);

  await sweepWith(retry);
  assert.equal(callsOf(trajectory, 'undo:create'), 3, 'not before the first back-off');

  await sleep(1_100);
  await sweepWith();
  assert.equal(callsOf(trajectory, 'undo:create'), 3, 'never without compensationRetry');
  await sweepWith(retry);
  assert.equal(callsOf(trajectory, 'undo:create'), 6, 'taken up again after a second, and failed again');
  assert.deepEqual([(await runOf(id)).status, (await runOf(id)).compensationRetries], ['compensation_failed', 1]);

  await sleep(1_100);
  await sweepWith(retry);
  assert.equal(callsOf(trajectory, 'undo:create'), 6, 'the second back-off is two seconds');
  await sleep(1_000);
  await sweepWith(retry);
  assert.equal(callsOf(trajectory, 'undo:create'), 9);
  assert.equal((await runOf(id)).compensationRetries, 2);

  await sweepWith({ firstAfterMs: 1, most: 2 });
  assert.equal(callsOf(trajectory, 'undo:create'), 9, 'after the last retry, only an operator takes it up');
  assert.equal((await runOf(id)).status, 'compensation_failed');
  assert.deepEqual(
    trajectory.filter((call) => call.startsWith('undo:') && call !== 'undo:create'),
    ['undo:charge', 'undo:reserve'],
    'what was undone the first time is not undone again',
  );
});

test('once the service is back, the next retry finishes the undo: only what is still undone, once', async () => {
  const { runner, sweepWith, service, trajectory, input, newId } = declinedWhileUndoFails();
  const id = newId();
  assert.equal((await runner.start(id, input)).status, 'compensation_failed');
  service.down = false;
  trajectory.length = 0;

  await sleep(60);
  await sweepWith({ firstAfterMs: 50, most: 1 });

  assert.deepEqual(trajectory, ['undo:create']);
  const run = await runOf(id);
  assert.deepEqual([run.status, run.compensationRetries], ['compensated', 1]);
  await sleep(60);
  await sweepWith({ firstAfterMs: 1, most: 2 });
  assert.deepEqual(trajectory, ['undo:create'], 'a compensated run is never taken up again');
});

test("an operator's retry that fails again starts the sweep's back-off over", async () => {
  const { runner, sweepWith, trajectory, input, newId } = declinedWhileUndoFails();
  const id = newId();
  await runner.start(id, input);
  await sleep(30);
  await sweepWith({ firstAfterMs: 10, most: 1 });
  assert.equal((await runOf(id)).compensationRetries, 1);
  assert.equal(callsOf(trajectory, 'undo:create'), 6);

  assert.equal((await runner.resume((await database.repository.reopen(id))!)).status, 'compensation_failed');
  assert.equal((await runOf(id)).compensationRetries, 0);
  await sleep(30);
  await sweepWith({ firstAfterMs: 10, most: 1 });
  assert.equal(callsOf(trajectory, 'undo:create'), 12, 'retried by the sweep again');
});
