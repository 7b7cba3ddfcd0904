import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { beforeTests } from '@ecomm/testing';
import { createSagaRepository, type SagaRepository } from '../src/saga/saga-repository.js';
import { useWatchedSagaDatabase } from './saga-harness.js';

// Concurrent runs' creations and writes go together in one statement each batch, against the real tables: each
// answered as if alone, a refusal of one never undoing the others.

const { connection, sent } = useWatchedSagaDatabase();
let repository: SagaRepository;
beforeTests(async () => {
  repository = createSagaRepository(connection.db);
});

const newRun = (id = randomUUID()) => ({ id, type: 'test', input: { label: id }, stepNames: ['first', 'second'] });

test('runs created together: the first alone, those arriving meanwhile in one statement, each as if alone', async () => {
  const runs = Array.from({ length: 6 }, () => newRun());
  sent.length = 0;
  const created = await Promise.all(runs.map((run) => repository.create(run)));
  assert.equal(sent.length, 2, sent.map(({ text }) => text).join('\n---\n'));
  assert.equal(sent[0]!.parameterised, true, 'one alone is the named statement it always was');
  assert.equal(sent[1]!.parameterised, false, 'a batch travels as text, never prepared');
  for (const [index, run] of runs.entries()) {
    assert.equal(created[index]!.sagaId, run.id);
    const found = (await repository.find(run.id))!;
    assert.deepEqual(found.run.input, run.input);
    assert.deepEqual(
      found.steps.map((step) => [step.name, step.status]),
      [
        ['first', 'running'],
        ['second', 'pending'],
      ],
    );
  }
});

test('a run whose id is taken is refused alone: the others of its batch are created', async () => {
  const taken = newRun();
  await repository.create(taken);
  const first = newRun();
  const others = [newRun(), newRun()];
  sent.length = 0;
  const results = await Promise.allSettled([first, others[0]!, taken, others[1]!].map((run) => repository.create(run)));
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(sent.length, 5, 'the first alone, the batch of three refused whole, then each of the three alone');
  for (const run of [first, ...others]) assert.ok(await repository.find(run.id), `${run.id} was created`);
});

test('writes of several runs go in one statement; each is fenced by its own owner', async () => {
  const owners = await Promise.all(Array.from({ length: 5 }, () => repository.create(newRun())));
  const stale = owners[3]!;
  await connection.pool.query('update orchestrator.saga_runs set owner_version = 1 where id = $1', [stale.sagaId]);
  sent.length = 0;
  const written = await Promise.all(
    owners.map((owner, index) =>
      repository.write(owner, { data: { index } }, { first: { status: 'succeeded', finishedAt: new Date() } }),
    ),
  );
  assert.deepEqual(written, [true, true, true, false, true]);
  assert.equal(sent.length, 2, 'the first alone, the other four together');
  for (const [index, owner] of owners.entries()) {
    const found = (await repository.find(owner.sagaId))!;
    const expected = index === 3 ? [{}, 'running'] : [{ index }, 'succeeded'];
    assert.deepEqual([found.run.data, found.steps[0]!.status], expected, `run ${index}`);
  }
});

test('two writes of one run never share a statement: the second waits for the next batch and lands last', async () => {
  const [first, second] = await Promise.all([repository.create(newRun()), repository.create(newRun())]);
  sent.length = 0;
  const written = await Promise.all([
    repository.write(second!, { data: { turn: 'in flight' } }, {}),
    repository.write(first!, { data: { turn: 'one' } }, {}),
    repository.write(first!, { data: { turn: 'two' } }, { second: { status: 'running' } }),
  ]);
  assert.deepEqual(written, [true, true, true]);
  assert.equal(sent.length, 3);
  const found = (await repository.find(first!.sagaId))!;
  assert.deepEqual([found.run.data, found.steps[1]!.status], [{ turn: 'two' }, 'running']);
});
