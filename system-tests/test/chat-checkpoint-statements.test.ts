import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { beforeTests, useTestDatabase } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

// What a chat turn asks of PostgreSQL for its conversation: one read of the thread's checkpoint, then one statement
// per step's checkpoint and per task's writes (no transaction of several). The orchestrator runs in this process, so
// the statements are seen where pg sends them.

const database = useTestDatabase();
const shop = useAgentShop({}, {}, database);

const statements: string[] = [];
const send = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  statements.push(typeof first === 'string' ? first : (first?.text ?? ''));
  return (send as (...each: unknown[]) => unknown).apply(this, args);
} as typeof send;
after(() => {
  pg.Client.prototype.query = send;
});

beforeTests(async () => {
  await shop.resetCatalog();
});

test('a turn reads its checkpoint once and saves each step in one statement', async () => {
  const shopper = await shop.newShopper();
  const threadId = `${shopper.userId}:${shopper.sessionId}`;
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  const saved = async () =>
    (
      await admin.query(
        `select (select count(*)::int from orchestrator.checkpoints where thread_id = $1) as checkpoints,
                (select count(distinct (checkpoint_id, task_id))::int from orchestrator.checkpoint_writes
                  where thread_id = $1) as tasks`,
        [threadId],
      )
    ).rows[0] as { checkpoints: number; tasks: number };
  try {
    assert.equal((await shop.chat(shopper, 'show me products')).status, 200);
    const before = await saved();
    statements.length = 0;
    const { status, body } = await shop.chat(shopper, 'show me products');
    assert.equal(status, 200);
    const turn = [...statements];
    assert.deepEqual(
      body.steps.map((step: { tool: string }) => step.tool),
      ['search_products'],
    );
    const now = await saved();
    const onCheckpoints = turn.filter((text) => /orchestrator"?\.checkpoint/.test(text));
    const reads = onCheckpoints.filter((text) => text.trimStart().startsWith('select'));
    assert.equal(reads.length, 1, 'one read of the thread per turn');
    // The input's, then one per step: start, supervisor, sales, search_products, sales (more would be a new cost).
    assert.equal(now.checkpoints - before.checkpoints, 6);
    assert.equal(onCheckpoints.length - reads.length, now.checkpoints - before.checkpoints + now.tasks - before.tasks);
    assert.deepEqual(
      turn.filter((text) => /^(begin|commit)$/i.test(text.trim())),
      [],
    );
  } finally {
    await admin.end();
  }
});
