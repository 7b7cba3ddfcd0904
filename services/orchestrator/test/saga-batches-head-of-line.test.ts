import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createDatabase, migrateSchema } from '@ecomm/platform';
import { useTestFixture } from '@ecomm/testing';
import { createSagaRepository } from '../src/saga/saga-repository.js';
import { orchestratorService } from '../src/service.js';

// Natural batching keeps one batch of saga writes in flight per process. A write that waits for its run's row lock
// (another transaction holding it: a stuck request, an operator's session, another replica's statement waiting in
// turn) then holds back every other run's writes, which before the change went on their own connections at once.

const lockTimeoutMs = 400;

const databases = useTestFixture(
  async (database) => {
    const url = database.urlFor('orchestrator');
    await migrateSchema({ url, ...orchestratorService.database! });
    return {
      // As the service runs: a lock timeout set on every connection (DATABASE_LOCK_TIMEOUT_MS).
      saga: createDatabase({ url, lockTimeoutMs }),
      unlimited: createDatabase({ url }),
      other: createDatabase({ url }),
    };
  },
  async ({ saga, unlimited, other }) => Promise.all([saga.close(), unlimited.close(), other.close()]),
);

const newRun = () => ({ id: randomUUID(), type: 'test', input: {}, stepNames: ['first', 'second'] });

/** Holds the run's row in another transaction until the returned function is called. */
async function holdRow(sagaId: string) {
  const holder = await databases.other.pool.connect();
  await holder.query('begin');
  await holder.query('select id from orchestrator.saga_runs where id = $1 for update', [sagaId]);
  return async () => {
    await holder.query('rollback');
    holder.release();
  };
}

const timed = async <Value>(work: Promise<Value>) => {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
};

test('a write waiting for its run’s row does not hold back the writes of other runs', async () => {
  const repository = createSagaRepository(databases.unlimited.db);
  const [held, free] = await Promise.all([repository.create(newRun()), repository.create(newRun())]);
  const release = await holdRow(held!.sagaId);
  try {
    const waiting = repository.write(held!, { data: { waited: true } }, {});
    const other = await Promise.race([
      timed(repository.write(free!, { data: { free: true } }, {})),
      new Promise<'held back'>((resolve) => setTimeout(() => resolve('held back'), 1_000)),
    ]);
    assert.notEqual(other, 'held back', 'another run’s write waited (a second and more) for a row it never touches');
    await release();
    assert.equal(await waiting, true);
  } finally {
    await release().catch(() => undefined);
  }
});

test('with a lock timeout: the others of a batch are answered without waiting for it, and the held one once', async () => {
  const repository = createSagaRepository(databases.saga.db);
  const [first, held, ...others] = await Promise.all(Array.from({ length: 4 }, () => repository.create(newRun())));
  const release = await holdRow(held!.sagaId);
  try {
    // The first goes alone; the other three go together once it returns.
    const firstWrite = repository.write(first!, { data: { turn: 'first' } }, {});
    const heldWrite = timed(repository.write(held!, { data: { turn: 'held' } }, {}).catch((error: Error) => error));
    const otherWrites = others.map((owner) => timed(repository.write(owner, { data: { turn: 'other' } }, {})));
    await firstWrite;
    const answered = await Promise.all(otherWrites);
    const heldAnswer = await heldWrite;
    const cause = (heldAnswer.value as Error & { cause?: { code?: string } }).cause;
    assert.equal(cause?.code, '55P03', 'the held run’s write is refused at the lock timeout');
    assert.deepEqual(
      answered.map(({ value }) => value),
      [true, true],
    );
    // Refused whole at the lock timeout, the batch is sent again one write at a time, and answered when all are: the
    // free runs wait for the held row twice, and the held one's caller waits two lock timeouts instead of one.
    for (const { ms } of answered) {
      assert.ok(
        ms < lockTimeoutMs,
        `a free run's write answered after ${Math.round(ms)} ms (lock timeout ${lockTimeoutMs})`,
      );
    }
    assert.ok(heldAnswer.ms < 2 * lockTimeoutMs, `the held run's write refused after ${Math.round(heldAnswer.ms)} ms`);
  } finally {
    await release();
  }
});
