import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSagaRepository, type SagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { orchestratorService } from '../src/service.js';
import { createDatabase, migrateSchema } from '@ecomm/platform';
import { beforeTests, useTestFixture } from '@ecomm/testing';

// The saga runner's bookkeeping against the real tables: how many statements a run costs, and that the one write per
// step still records a step as running before its call and still fences off an owner that lost the run.

let statements = 0;

const quiet = () => undefined;
const logger = { info: quiet, warn: quiet, error: quiet, debug: quiet };

const connection = useTestFixture(
  async (database) => {
    const url = database.urlFor('orchestrator');
    await migrateSchema({ url, ...orchestratorService.database! });
    const opened = createDatabase({ url });
    // Every statement any client of the pool sends, begin and commit included.
    opened.pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...parameters: unknown[]) => unknown;
      (client as { query: unknown }).query = (...parameters: unknown[]) => {
        statements++;
        return query(...parameters);
      };
    });
    return opened;
  },
  (opened) => opened.close(),
);
let repository: SagaRepository;
beforeTests(async () => {
  repository = createSagaRepository(connection.db);
});

type Data = { first: string; second: string; third: string };
type Step = { name: keyof Data; run: () => Promise<Partial<Data>> };

function runner(steps: Step[]) {
  return createSagaRunner<object, Data>(
    { type: 'test', pivot: 'second', steps: steps.map((step) => ({ ...step, compensate: async () => undefined })) },
    { repository, logger, heartbeatMs: 60_000, attempts: 1, backoffMs: 1 },
  );
}

const stepStatuses = async (sagaId: string) => (await repository.find(sagaId))!.steps.map((step) => step.status);

test('a run of three steps costs four statements: its creation, one per step transition, its completion', async () => {
  const sagaId = randomUUID();
  const steps: Step[] = [
    { name: 'first', run: async () => ({ first: 'a' }) },
    { name: 'second', run: async () => ({ second: 'b' }) },
    { name: 'third', run: async () => ({ third: 'c' }) },
  ];
  statements = 0;
  const outcome = await runner(steps).start(sagaId, {});
  assert.equal(statements, steps.length + 1);
  assert.deepEqual(outcome, { status: 'completed', data: { first: 'a', second: 'b', third: 'c' } });
  const found = (await repository.find(sagaId))!;
  assert.deepEqual([found.run.status, found.run.data], ['completed', { first: 'a', second: 'b', third: 'c' }]);
  assert.deepEqual(
    found.steps.map((step) => [step.status, step.attempts]),
    Array(3).fill(['succeeded', 1]),
  );
});

test('each step is recorded as running before its call, the previous step and its output saved', async () => {
  const sagaId = randomUUID();
  const seen: unknown[] = [];
  const look = async () => {
    const found = (await repository.find(sagaId))!;
    seen.push([found.run.data, found.steps.map((step) => step.status)]);
  };
  await runner([
    { name: 'first', run: async () => (await look(), { first: 'a' }) },
    { name: 'second', run: async () => (await look(), { second: 'b' }) },
    { name: 'third', run: async () => (await look(), { third: 'c' }) },
  ]).start(sagaId, {});
  assert.deepEqual(seen, [
    [{}, ['running', 'pending', 'pending']],
    [{ first: 'a' }, ['succeeded', 'running', 'pending']],
    [{ first: 'a', second: 'b' }, ['succeeded', 'succeeded', 'running']],
  ]);
});

test('an owner whose run was taken over during a call stops before the next step, writing nothing more', async () => {
  const sagaId = randomUUID();
  let thirdCalled = false;
  const outcome = await runner([
    { name: 'first', run: async () => ({ first: 'a' }) },
    {
      name: 'second',
      run: async () => {
        // A sweeper takes the run over while this call is in flight.
        const takeOver = 'update orchestrator.saga_runs set owner_version = owner_version + 1 where id = $1';
        await connection.pool.query(takeOver, [sagaId]);
        return { second: 'b' };
      },
    },
    { name: 'third', run: async () => ((thirdCalled = true), { third: 'c' }) },
  ]).start(sagaId, {});
  assert.equal(thirdCalled, false, 'the third step never ran');
  assert.equal(outcome.status, 'running');
  // The new owner finds the second step as it was when taken over: running, its outcome to be looked up.
  assert.deepEqual(await stepStatuses(sagaId), ['succeeded', 'running', 'pending']);
  assert.deepEqual((await repository.find(sagaId))!.run.data, { first: 'a' });
});

/** first → second (the pivot, which can be looked up again) → third. */
function lookedUpPivot(steps: Step[], heartbeatMs = 60_000) {
  const [first, second, third] = steps.map((step) => ({ ...step, compensate: async () => undefined }));
  const pivot = { ...second!, resolveInDoubt: async () => undefined };
  return createSagaRunner<object, Data>(
    { type: 'test', pivot: 'second', steps: [first!, pivot, third!] },
    { repository, logger, heartbeatMs, attempts: 1, backoffMs: 1 },
  );
}

test('past a pivot that can be looked up, a step starts unwritten: its outcome and the pivot’s go in the last write', async () => {
  const sagaId = randomUUID();
  let seen: unknown;
  statements = 0;
  const outcome = await lookedUpPivot([
    { name: 'first', run: async () => ({ first: 'a' }) },
    { name: 'second', run: async () => ({ second: 'b' }) },
    {
      name: 'third',
      run: async () => {
        const found = (await repository.find(sagaId))!;
        seen = [found.run.data, found.steps.map((step) => step.status)];
        return { third: 'c' };
      },
    },
  ]).start(sagaId, {});
  // The creation, the pivot's start, the end; the look from inside the third step adds its two reads.
  assert.equal(statements, 3 + 2);
  assert.equal(outcome.status, 'completed');
  assert.deepEqual(seen, [{ first: 'a' }, ['succeeded', 'running', 'pending']], 'the pivot is recorded as started');
  const found = (await repository.find(sagaId))!;
  assert.deepEqual([found.run.status, found.run.data], ['completed', { first: 'a', second: 'b', third: 'c' }]);
  assert.deepEqual(
    found.steps.map((step) => [step.status, step.attempts, step.startedAt !== null]),
    Array(3).fill(['succeeded', 1, true]),
  );
});

test('past the pivot, an owner not sure the run is still its own writes the start first, and stops if it lost it', async () => {
  const sagaId = randomUUID();
  let thirdCalled = false;
  // Beats every 20 ms; the pivot's call outlasts a heartbeat after a sweeper took the run over, so no beat finds it ours.
  const outcome = await lookedUpPivot(
    [
      { name: 'first', run: async () => ({ first: 'a' }) },
      {
        name: 'second',
        run: async () => {
          const takeOver = 'update orchestrator.saga_runs set owner_version = owner_version + 1 where id = $1';
          await connection.pool.query(takeOver, [sagaId]);
          await sleep(100);
          return { second: 'b' };
        },
      },
      { name: 'third', run: async () => ((thirdCalled = true), { third: 'c' }) },
    ],
    20,
  ).start(sagaId, {});
  assert.equal(thirdCalled, false, 'the step past the pivot never ran');
  assert.equal(outcome.status, 'running');
  assert.deepEqual(await stepStatuses(sagaId), ['succeeded', 'running', 'pending']);
});
