import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { naturalBatches } from '../src/index.js';

// Attacks on naturalBatches from the review of the natural batching change: a key function that throws, a backlog
// (the database stalled), and whose asynchronous context a batch runs in.

const answerAll = async (items: string[]) => items.map((item) => ({ status: 'fulfilled' as const, value: item }));

/** A sender whose first batch is held until `release` is called; the later ones are answered at once. */
function heldFirst<Item>() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const batches: Item[][] = [];
  const send = async (items: Item[]) => {
    batches.push(items);
    if (batches.length === 1) await held;
    return items.map((item) => ({ status: 'fulfilled' as const, value: item }));
  };
  return { send, release, batches };
}

test('a key function that throws for one item refuses that item only: nothing unhandled, later items still go', async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const sender = heldFirst<{ key?: string }>();
    const sendItem = naturalBatches<{ key?: string }, { key?: string }>({
      send: sender.send,
      keyOf: (item) => item.key!.toLowerCase(),
    });
    const first = sendItem({ key: 'a' });
    const broken = sendItem({}); // its key cannot be computed
    const later = sendItem({ key: 'b' });
    sender.release();
    await first;
    const settled = await Promise.race([
      Promise.allSettled([broken, later]),
      new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 500)),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, [], 'a throwing keyOf must not become an unhandled rejection (it crashes the process)');
    assert.notEqual(settled, 'stuck', 'the items queued behind the broken one were never sent nor answered');
    assert.equal((settled as PromiseSettledResult<unknown>[])[0]!.status, 'rejected');
    assert.deepEqual((settled as PromiseSettledResult<unknown>[])[1], { status: 'fulfilled', value: { key: 'b' } });
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('a backlog drains in time linear in its length: a batch does not look at every waiting item', async () => {
  // A database that stalls for a moment leaves thousands of items waiting (a rate-limit hit per request). Scanning
  // the whole queue for each batch of 64 makes the drain quadratic: 80 000 items took 16 times as long as 20 000.
  async function drain(backlog: number) {
    const sender = heldFirst<string>();
    const sendItem = naturalBatches<string, string>({ send: sender.send, keyOf: (item) => item, maximumSize: 64 });
    const sent = Array.from({ length: backlog + 1 }, (_, index) => sendItem(`item ${index}`));
    const started = performance.now();
    sender.release();
    await Promise.all(sent);
    assert.equal(sender.batches.length, 1 + Math.ceil(backlog / 64));
    return performance.now() - started;
  }
  await drain(5_000);
  const small = await drain(20_000);
  const large = await drain(80_000);
  assert.ok(
    large < 10 * small + 200,
    `20 000 items drained in ${Math.round(small)} ms, 80 000 in ${Math.round(large)} ms`,
  );
});

test('items of one key land in the order they were given, whatever batches they go in', async () => {
  const sent: string[] = [];
  const sendItem = naturalBatches<string, string>({
    send: async (items) => {
      sent.push(...items);
      await new Promise((resolve) => setImmediate(resolve));
      return answerAll(items);
    },
    keyOf: (item) => item.split(':')[0]!,
    maximumSize: 3,
  });
  const items = Array.from(
    { length: 40 },
    (_, index) => `${'abc'[index % 3 === 0 ? 0 : index % 5 === 0 ? 1 : 2]}:${index}`,
  );
  await Promise.all(items.map(sendItem));
  for (const key of ['a', 'b', 'c']) {
    const given = items.filter((item) => item.startsWith(key));
    assert.deepEqual(
      sent.filter((item) => item.startsWith(key)),
      given,
      `${key} in order`,
    );
  }
});

test('each caller resumes in its own asynchronous context, whichever batch answered it', async () => {
  const context = new AsyncLocalStorage<string>();
  const sendItem = naturalBatches<string, string>({
    send: async (items) => {
      await new Promise((resolve) => setImmediate(resolve));
      return answerAll(items);
    },
  });
  const seen = await Promise.all(
    Array.from({ length: 10 }, (_, index) =>
      context.run(`caller ${index}`, async () => {
        await sendItem(String(index));
        const afterAwait = context.getStore();
        const inThen = await sendItem(`${index} again`).then(() => context.getStore());
        return [afterAwait, inThen];
      }),
    ),
  );
  assert.deepEqual(
    seen,
    Array.from({ length: 10 }, (_, index) => [`caller ${index}`, `caller ${index}`]),
  );
});

test('a batch runs in no caller’s context, even when the batcher was made inside one', async () => {
  // The doc says a batch belongs to none of its callers: the AsyncResource is made where naturalBatches is called, so
  // a batcher made inside a caller's context (a repository made per request or per transaction) runs every batch,
  // other callers' items included, in that caller's context (an open transaction it routes to, its trace span).
  const context = new AsyncLocalStorage<string>();
  const seen: (string | undefined)[] = [];
  const sendItem = context.run('the caller that made the batcher', () =>
    naturalBatches<string, string>({
      send: async (items) => {
        seen.push(context.getStore());
        return answerAll(items);
      },
    }),
  );
  await context.run('another caller', () => sendItem('theirs'));
  assert.deepEqual(seen, [undefined]);
});
