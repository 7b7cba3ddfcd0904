import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import Fastify from 'fastify';
import { runInBackground } from '../src/index.js';

test('a background task runs once the app is ready, again on its timer, survives failures and stops on close', async () => {
  const app = Fastify({ logger: false });
  let runs = 0;
  runInBackground(app, {
    name: 'counting',
    everyMs: 20,
    run: async () => {
      runs += 1;
      if (runs === 2) throw new Error('one bad round');
    },
  });
  assert.equal(runs, 0, 'nothing runs before the app is ready');
  await app.ready();
  assert.equal(runs, 1);
  while (runs < 4) await sleep(10);
  await app.close();
  const atClose = runs;
  await sleep(100);
  assert.equal(runs, atClose, 'no round after close');
});

test('closing the app waits for a round under way to finish', async () => {
  const app = Fastify({ logger: false });
  const finished: string[] = [];
  runInBackground(app, {
    name: 'slow round',
    everyMs: 60_000,
    run: async () => {
      await sleep(150);
      finished.push('round');
    },
  });
  await app.ready();
  await app.close();
  finished.push('closed');
  assert.deepEqual(finished, ['round', 'closed']);
});
