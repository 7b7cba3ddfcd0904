import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { naturalBatches } from '../src/index.js';

/** A sender that records each batch and answers it when the test says so. */
function heldSender() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const send = (items: string[]) => {
    batches.push(items);
    return new Promise<PromiseSettledResult<string>[]>((resolve) =>
      releases.push(() =>
        resolve(
          items.map((item) =>
            item.startsWith('bad')
              ? { status: 'rejected', reason: new Error(`${item} refused`) }
              : { status: 'fulfilled', value: `${item} done` },
          ),
        ),
      ),
    );
  };
  const releaseNext = async () => {
    releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, send, releaseNext };
}

test('an item is sent at once when nothing is in flight; those arriving meanwhile go together when it returns', async () => {
  const sender = heldSender();
  const sendItem = naturalBatches({ send: sender.send });
  const first = sendItem('a');
  assert.deepEqual(sender.batches, [['a']], 'an idle batcher waits for nothing');
  const later = ['b', 'c', 'd'].map(sendItem);
  assert.equal(sender.batches.length, 1, 'nothing more is sent while a batch is in flight');
  await sender.releaseNext();
  assert.equal(await first, 'a done');
  assert.deepEqual(sender.batches, [['a'], ['b', 'c', 'd']]);
  await sender.releaseNext();
  assert.deepEqual(await Promise.all(later), ['b done', 'c done', 'd done']);
});

test('each item gets its own answer: a refusal of one leaves the others answered', async () => {
  const sender = heldSender();
  const sendItem = naturalBatches({ send: sender.send });
  const first = sendItem('a');
  const [good, bad, alsoGood] = ['b', 'bad-c', 'd'].map(sendItem);
  const refused = assert.rejects(bad!, /bad-c refused/);
  await sender.releaseNext();
  await sender.releaseNext();
  assert.equal(await first, 'a done');
  assert.equal(await good, 'b done');
  await refused;
  assert.equal(await alsoGood, 'd done');
});

test('items of one key go in different batches, in order; batches keep to their maximum size', async () => {
  const sender = heldSender();
  const sendItem = naturalBatches({ send: sender.send, keyOf: (item) => item[0]!, maximumSize: 2 });
  const sent = ['x0', 'x1', 'y1', 'x2', 'z1'].map(sendItem);
  for (let batch = 0; batch < 3; batch++) await sender.releaseNext();
  assert.deepEqual(sender.batches, [['x0'], ['x1', 'y1'], ['x2', 'z1']]);
  assert.equal((await Promise.all(sent)).length, 5);
});

test('a sender that fails, at once or later, refuses its batch only: the next batch still goes', async () => {
  let calls = 0;
  const sendItem = naturalBatches<string, string>({
    send: (items) => {
      calls += 1;
      if (calls === 1) throw new Error('thrown at once');
      if (calls === 2) return Promise.reject(new Error('refused later'));
      return Promise.resolve(items.map((item) => ({ status: 'fulfilled', value: item })));
    },
  });
  await assert.rejects(sendItem('first'), /thrown at once/);
  await assert.rejects(sendItem('second'), /refused later/);
  assert.equal(await sendItem('third'), 'third');
});

test('a batch runs outside its callers’ asynchronous contexts: none sees another caller’s', async () => {
  const context = new AsyncLocalStorage<string>();
  const seen: (string | undefined)[] = [];
  const sendItem = naturalBatches<string, string>({
    send: async (items) => {
      seen.push(context.getStore());
      await new Promise((resolve) => setImmediate(resolve));
      return items.map((item) => ({ status: 'fulfilled', value: item }));
    },
  });
  await Promise.all(['one', 'two', 'three'].map((name) => context.run(name, () => sendItem(name))));
  assert.equal(seen.length, 2, 'the first alone, the two others together');
  assert.deepEqual(seen, [undefined, undefined]);
});
