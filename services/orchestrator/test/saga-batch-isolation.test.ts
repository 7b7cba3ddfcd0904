import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { beforeTests } from '@ecomm/testing';
import { createSagaRepository, type SagaOwner, type SagaRepository } from '../src/saga/saga-repository.js';
import { useWatchedSagaDatabase } from './saga-harness.js';

// Attacks on the saga's batched creations and fenced writes (review of the natural batching change), against the real
// tables: what a batch stores must be what a write alone stores, to the byte; a stale owner's write in a batch changes
// nothing of its run; one bad write, or a duplicate id, is refused alone.

const { connection, sent } = useWatchedSagaDatabase();
let repository: SagaRepository;
beforeTests(async () => {
  repository = createSagaRepository(connection.db);
});

const newRun = (input: unknown = { label: randomUUID() }, id = randomUUID()) => ({
  id,
  type: 'test',
  input,
  stepNames: ['first', 'second'],
});

/** The rows of a run and its steps as PostgreSQL prints them: equal text means equal values. */
async function stored(sagaId: string) {
  const { rows } = await connection.pool.query<{ run: string; steps: string }>(
    `select (select row(r.type, r.status, r.input, r.data, r.failure, r.owner_version)::text
               from orchestrator.saga_runs r where r.id = $1) as run,
            (select string_agg(row(s.position, s.name, s.status, s.attempts, s.finished_at, s.error)::text,
                               ' | ' order by s.position)
               from orchestrator.saga_steps s where s.saga_id = $1) as steps`,
    [sagaId],
  );
  return rows[0]!;
}

/** Values that are hard to write into a statement: quotes, backslashes, SQL look-alikes, unicode, nesting. */
const awkward = [
  "it's",
  "''",
  "back\\slash \\\\ and \\'",
  '"double" \\"quoted\\"',
  '$1 $2 $$dollar$$ $tag$ x $tag$',
  "/* comment */ -- comment\r\n'; delete from orchestrator.saga_runs; --",
  "E'\\x41' U&'\\0041'",
  '\\u0000 as six characters',
  'emoji 😀, combining café, ligature ﬀ, line separator \u2028, bom \ufeff, tab\tand newline\n',
  '',
  ' leading and trailing spaces ',
];
const awkwardData = (index: number) => ({
  text: awkward[index % awkward.length],
  all: awkward,
  nested: { array: [[awkward[0]], { deeper: [null, true, 0, -1.5, 1e21, 2 ** 53 + 1] }], empty: {}, none: [] },
  "key with 'quote' and \\": 'value',
});

test('what a batch writes is what a write alone writes: awkward jsonb, text and timestamps, byte for byte', async () => {
  const finishedAt = new Date('2026-02-03T04:05:06.789Z');
  const alone: Awaited<ReturnType<SagaRepository['create']>>[] = [];
  for (let index = 0; index < 4; index++) {
    alone.push(await repository.create(newRun(awkwardData(index + 100))));
  }
  const together = await Promise.all(
    Array.from({ length: 4 }, (_, index) => repository.create(newRun(awkwardData(index + 100)))),
  );
  // Each first step's start, as the creation answered it, is what was stored (to the millisecond).
  for (const { sagaId, state } of [...alone, ...together]) {
    assert.deepEqual((await repository.find(sagaId))!.steps[0]!.startedAt, state.steps[0]!.startedAt);
  }
  sent.length = 0;
  for (const [index, owner] of alone.entries()) {
    const written = await repository.write(
      owner,
      {
        data: awkwardData(index),
        failure: { step: awkward[index]!, statusCode: 500, code: 'X', message: awkward[index + 4]! },
      },
      {
        first: { status: 'succeeded', finishedAt, error: awkward[index + 1]! },
        second: { status: 'running', attempts: 1 },
      },
    );
    assert.equal(written, true);
  }
  const written = await Promise.all(
    together.map((owner, index) =>
      repository.write(
        owner,
        {
          data: awkwardData(index),
          failure: { step: awkward[index]!, statusCode: 500, code: 'X', message: awkward[index + 4]! },
        },
        {
          first: { status: 'succeeded', finishedAt, error: awkward[index + 1]! },
          second: { status: 'running', attempts: 1 },
        },
      ),
    ),
  );
  assert.deepEqual(written, [true, true, true, true]);
  assert.ok(
    sent.some(({ parameterised }) => !parameterised),
    'some writes went together, as text with their values written in',
  );
  for (let index = 0; index < 4; index++) {
    assert.deepEqual(await stored(together[index]!.sagaId), await stored(alone[index]!.sagaId), `write ${index}`);
  }
});

test('a stale owner’s write in a batch changes nothing of its run, not even its heartbeat; the others land', async () => {
  const owners = await Promise.all(Array.from({ length: 4 }, () => repository.create(newRun())));
  const stale = owners[2]!;
  await connection.pool.query('update orchestrator.saga_runs set owner_version = 1 where id = $1', [stale.sagaId]);
  const before = await connection.pool.query('select * from orchestrator.saga_runs where id = $1', [stale.sagaId]);
  const stepsBefore = await stored(stale.sagaId);
  const written = await Promise.all(
    owners.map((owner) =>
      repository.write(
        owner,
        { status: 'completed', data: { done: true }, failure: null },
        { first: { status: 'succeeded', finishedAt: new Date() }, second: { status: 'succeeded', attempts: 7 } },
      ),
    ),
  );
  assert.deepEqual(written, [true, true, false, true]);
  const after = await connection.pool.query('select * from orchestrator.saga_runs where id = $1', [stale.sagaId]);
  assert.deepEqual(after.rows, before.rows, 'the stale owner changed nothing of the run');
  assert.deepEqual(await stored(stale.sagaId), stepsBefore, 'nor of its steps');
  for (const owner of [owners[0]!, owners[1]!, owners[3]!]) {
    const found = (await repository.find(owner.sagaId))!;
    assert.deepEqual(
      [found.run.status, found.run.data, found.run.finishedAt !== null, found.steps.map((step) => step.status)],
      ['completed', { done: true }, true, ['succeeded', 'succeeded']],
    );
  }
});

test('a write the database refuses (jsonb it cannot store, a NUL in text) is refused alone: the others of its batch land', async () => {
  const owners = await Promise.all(Array.from({ length: 5 }, () => repository.create(newRun())));
  const results = await Promise.allSettled(
    owners.map((owner, index) =>
      repository.write(
        owner,
        // JSON's \u0000 escape: valid JSON, but jsonb refuses it.
        { data: index === 1 ? { bad: 'nul \u0000 here' } : { index } },
        // A NUL cannot be written into a statement, nor stored in text.
        { first: { status: 'succeeded', error: index === 3 ? 'nul \u0000 here' : null } },
      ),
    ),
  );
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
  );
  for (const index of [0, 2, 4]) {
    assert.equal((results[index] as PromiseFulfilledResult<boolean>).value, true);
    const found = (await repository.find(owners[index]!.sagaId))!;
    assert.deepEqual([found.run.data, found.steps[0]!.status], [{ index }, 'succeeded'], `write ${index} landed`);
  }
  for (const index of [1, 3]) {
    const found = (await repository.find(owners[index]!.sagaId))!;
    assert.deepEqual([found.run.data, found.steps[0]!.status], [{}, 'running'], `write ${index} changed nothing`);
  }
});

test('two creations of one id in one batch: exactly one is created, with its own input; the other is refused', async () => {
  const id = randomUUID();
  const results = await Promise.allSettled([
    repository.create(newRun()), // alone: the others wait for it and go together
    repository.create(newRun({ copy: 'one' }, id)),
    repository.create(newRun()),
    repository.create(newRun({ copy: 'two' }, id)),
  ]);
  assert.deepEqual(results.map((result) => result.status).filter((status) => status === 'rejected').length, 1);
  const created = results[1]!.status === 'fulfilled' ? { copy: 'one' } : { copy: 'two' };
  assert.deepEqual((await repository.find(id))!.run.input, created);
  assert.ok(results[0]!.status === 'fulfilled' && results[2]!.status === 'fulfilled');
});

test('many writes of one run among others: each lands, in the order given, and the last one stands', async () => {
  const [hot, ...others] = await Promise.all(Array.from({ length: 4 }, () => repository.create(newRun())));
  const seenBy: number[] = [];
  const writes = Array.from({ length: 30 }, (_, turn) => {
    const owner: SagaOwner = turn % 3 === 0 ? hot! : others[turn % others.length]!;
    return repository
      .write(owner, { data: { turn } }, { second: { attempts: turn } })
      .then((written) => (owner === hot && seenBy.push(turn), written));
  });
  assert.ok((await Promise.all(writes)).every(Boolean));
  assert.deepEqual(
    seenBy,
    Array.from({ length: 10 }, (_, index) => index * 3),
    'the hot run’s writes answered in order',
  );
  const found = (await repository.find(hot!.sagaId))!;
  assert.deepEqual([found.run.data, found.steps[1]!.attempts], [{ turn: 27 }, 27]);
});

test('a write whose value cannot even be made into a statement is refused alone: the others of its batch land', async () => {
  // JSON.stringify throws on a BigInt (or a cycle) while the batch's statement is built: alone, only that write fails.
  const owners = await Promise.all(Array.from({ length: 4 }, () => repository.create(newRun())));
  const results = await Promise.allSettled(
    owners.map((owner, index) => repository.write(owner, { data: index === 2 ? { amount: 10n } : { index } }, {})),
  );
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  );
  for (const index of [0, 1, 3]) {
    assert.deepEqual((await repository.find(owners[index]!.sagaId))!.run.data, { index }, `write ${index} landed`);
  }
});

test('a creation whose input cannot be made into a statement is refused alone: the others of its batch are created', async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const runs = [newRun(), newRun(), newRun(cyclic), newRun()];
  const results = await Promise.allSettled(runs.map((run) => repository.create(run)));
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  );
  for (const index of [0, 1, 3]) assert.ok(await repository.find(runs[index]!.id), `run ${index} created`);
});
