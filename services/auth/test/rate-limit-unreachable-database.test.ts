import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatabase, migrateSchema, postgresRateLimitStore } from '@ecomm/platform';
import { useTestFixture } from '@ecomm/testing';
import { rateLimitCounters } from '../src/database/schema.js';
import { authService } from '../src/service.js';

// The database out of reach for a while (here: the pool's only connection held by other work): a request waits for
// a connection at most the pool's connection timeout (5 s), then its hit is refused. Behind a batch that waits for
// its connection, and then sends its hits again one by one (each waiting as long again), the hits arriving meanwhile
// queue up: each waits for every batch before its own.

const connectionTimeoutMs = 5_000;

const replica = useTestFixture(
  async (database) => {
    const url = database.urlFor('auth');
    await migrateSchema({ url, ...authService.database! });
    const opened = createDatabase({ url, poolMax: 1 });
    const Store = postgresRateLimitStore(opened.db, rateLimitCounters);
    const store = new Store();
    const hit = (key: string) =>
      new Promise<number>((resolve, reject) =>
        store.incr(key, (error, result) => (error ? reject(error) : resolve(result!.current)), 60_000),
      );
    return { ...opened, hit };
  },
  (opened) => opened.close(),
);

test('with no connection to be had, every hit is refused within about the connection timeout, however many wait', async () => {
  // Each hit before the change: refused after 5 s. Measured on 52873f2: the last of 100 after 30 s.
  const held = await replica.pool.connect();
  try {
    const started = performance.now();
    const waited = () => performance.now() - started;
    const hits = Array.from({ length: 100 }, (_, index) =>
      replica.hit(`stalled:${index}`).then(
        () => 'counted',
        () => waited(),
      ),
    );
    const cap = 2 * connectionTimeoutMs + 1_000;
    const settled = await Promise.race([
      Promise.all(hits),
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), cap)),
    ]);
    const refused = settled === 'still waiting' ? [] : settled;
    assert.ok(!refused.includes('counted'), 'no hit was counted while the pool was held');
    const slowest = Math.max(...refused.map(Number));
    assert.ok(
      settled !== 'still waiting' && slowest < 2 * connectionTimeoutMs,
      settled === 'still waiting'
        ? `hits still waiting after ${cap / 1000} s (connection timeout ${connectionTimeoutMs / 1000} s)`
        : `the last of 100 hits was refused after ${Math.round(slowest / 1000)} s`,
    );
    await Promise.all(hits);
  } finally {
    held.release();
  }
});
