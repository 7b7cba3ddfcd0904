import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { abandonedAtAbort } from '../src/processes.js';

const never = new Promise<never>(() => {});

test('abandonedAtAbort settles as its work does, and leaves no listener on the signal', async () => {
  const controller = new AbortController();
  assert.equal(await abandonedAtAbort(Promise.resolve('built'), controller.signal), 'built');
  await assert.rejects(abandonedAtAbort(Promise.reject(new Error('refused')), controller.signal), /refused/);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('abandonedAtAbort rejects with the reason of an abort while its work never answers, after onAbort', async () => {
  const controller = new AbortController();
  const calls: string[] = [];
  const abandoned = abandonedAtAbort(never, controller.signal, () => calls.push('stopped'));
  controller.abort(new Error('Ctrl-C'));
  await assert.rejects(abandoned, /Ctrl-C/);
  assert.deepEqual(calls, ['stopped']);
});

test('abandonedAtAbort rejects at once on a signal already aborted', async () => {
  let stops = 0;
  const abandoned = abandonedAtAbort(never, AbortSignal.abort(new Error('gone')), () => (stops += 1));
  await assert.rejects(abandoned, /gone/);
  assert.equal(stops, 1);
});

test('abandonedAtAbort without a signal is the work itself', async () => {
  const work = Promise.resolve(42);
  assert.equal(abandonedAtAbort(work, undefined), work);
});
