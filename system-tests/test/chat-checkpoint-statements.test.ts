import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { beforeTests, useTestDatabase } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

// What a chat turn asks of PostgreSQL for its conversation: one read of the thread's checkpoint, then one checkpoint
// saved when the turn ends, in one statement (no transaction of several). The orchestrator runs in this process, so
// the statements are seen where pg sends them.

const database = useTestDatabase();
// Four messages: one "show me products" turn (the question, the search's call and result, the answer).
const shop = useAgentShop({ CHAT_HISTORY_LIMIT: '4' }, {}, database);

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

test('a turn reads its checkpoint once and saves it once, in one statement, when it ends', async () => {
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
    // One for the turn, however many steps it took (six were saved, one per step, before turns saved on exit).
    assert.equal(now.checkpoints - before.checkpoints, 1);
    assert.equal(onCheckpoints.length - reads.length, now.checkpoints - before.checkpoints + now.tasks - before.tasks);
    assert.deepEqual(
      turn.filter((text) => /^(begin|commit)$/i.test(text.trim())),
      [],
    );
  } finally {
    await admin.end();
  }
});

test('a long conversation is saved no bigger than the window the models see', async () => {
  const shopper = await shop.newShopper();
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  // The conversation as saved after the latest turn: its messages' blob.
  const savedBytes = async () =>
    (
      await admin.query(
        `select octet_length(blob) as bytes from orchestrator.checkpoint_blobs
          where thread_id = $1 and channel = 'messages' order by length(version) desc, version desc limit 1`,
        [`${shopper.userId}:${shopper.sessionId}`],
      )
    ).rows[0].bytes as number;
  try {
    const sizes: number[] = [];
    for (let turn = 0; turn < 5; turn++) {
      assert.equal((await shop.chat(shopper, 'show me products')).status, 200);
      sizes.push(await savedBytes());
    }
    // Kept whole, five turns would weigh five times one; the window holds the last turn only.
    assert.ok(sizes[4]! < sizes[0]! * 1.5, `saved sizes by turn: ${sizes.join(', ')}`);
  } finally {
    await admin.end();
  }
});
