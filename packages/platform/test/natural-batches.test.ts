import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { isRefusedStatement, naturalBatches } from '../src/index.js';

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

test('a batch that fails whole refuses the items waiting for it too; the next item is sent as it comes', async () => {
  const sent: string[][] = [];
  let fail = true;
  let release = () => {};
  const sendItem = naturalBatches<string, string>({
    send: async (items) => {
      sent.push(items);
      if (!fail) return items.map((item) => ({ status: 'fulfilled', value: item }));
      await new Promise<void>((resolve) => (release = resolve));
      throw new Error('database out of reach');
    },
  });
  const first = sendItem('first');
  const waiting = ['second', 'third'].map(sendItem);
  const refusals = Promise.allSettled([first, ...waiting]);
  release();
  const settled = await refusals;
  assert.deepEqual(
    settled.map((result) => result.status === 'rejected' && (result.reason as Error).message),
    ['database out of reach', 'database out of reach', 'database out of reach'],
  );
  assert.deepEqual(sent, [['first']], 'the waiting items were never sent to meet the same');
  fail = false;
  assert.equal(await sendItem('fourth'), 'fourth');
});

test('only a refusal for what a statement holds is worth sending its parts again one by one', () => {
  const refused = (code: string) => isRefusedStatement(Object.assign(new Error('refused'), { code }));
  assert.equal(refused('23505'), true, 'a unique violation');
  assert.equal(refused('40P01'), true, 'a deadlock');
  assert.equal(refused('22P02'), true, 'a value it cannot read');
  assert.equal(isRefusedStatement(new Error('wrapped', { cause: { code: '23505' } })), true, 'as drizzle wraps it');
  assert.equal(refused('08006'), false, 'a connection lost');
  assert.equal(refused('57P01'), false, 'a shutdown');
  assert.equal(refused('ECONNREFUSED'), false, 'no database there');
  assert.equal(isRefusedStatement(new Error('timeout exceeded when trying to connect')), false, 'no connection free');
});
