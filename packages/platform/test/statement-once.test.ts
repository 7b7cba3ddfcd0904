import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { executeOnce, type Executor } from '../src/index.js';
import { withParametersInlined } from '../src/database/inline-parameters.js';

// executeOnce is for texts built afresh each time (a batch of a varying number and shape of items). It writes their
// parameters in with withParametersInlined, whose cache of parsed texts (the first 500 it sees, kept for good) is
// there for the statements that repeat: the held claims, the EXECUTEs of `PostgresClient`.

test('texts run once do not fill the cache of parsed texts that the repeating statements need', async () => {
  const ran: string[] = [];
  const executor = {
    execute: async (query: unknown) => (ran.push(String(query)), { rows: [] }),
  } as unknown as Executor;
  // Six hundred batches of different shapes, as a busy orchestrator sends in minutes.
  for (let shape = 0; shape < 600; shape++) {
    const items = Array.from({ length: shape + 1 }, (_, index) => sql`(${index}, ${`item ${index}`})`);
    await executeOnce(executor, sql`insert into t (a, b) values ${sql.join(items, sql`, `)}`);
  }
  assert.equal(ran.length, 600);

  // A statement that repeats, first seen now: parsed once, then written in from the cache.
  const repeating = 'update t set b = $1 where a = $2';
  assert.equal(withParametersInlined(repeating, ['x', 1]), "update t set b = 'x' where a = '1'");
  let parsed = 0;
  const exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (this: RegExp, text: string) {
    parsed++;
    return exec.call(this, text);
  };
  try {
    withParametersInlined(repeating, ['y', 2]);
  } finally {
    RegExp.prototype.exec = exec;
  }
  assert.equal(parsed, 0, 'the repeating statement is parsed again at every use: the cache is full of one-off batches');
});
