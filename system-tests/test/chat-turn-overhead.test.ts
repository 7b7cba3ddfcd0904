import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { beforeTests, useTestDatabase } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

// What a chat turn costs the orchestrator beyond its work, counted where LangChain would spend it (the orchestrator
// runs in this process). Counts, never timings.

const database = useTestDatabase();
const shop = useAgentShop({}, {}, database);

let chainStarts = 0;
const handleChainStart = CallbackManager.prototype.handleChainStart;
CallbackManager.prototype.handleChainStart = function (...args: Parameters<typeof handleChainStart>) {
  chainStarts += 1;
  return handleChainStart.apply(this, args);
};
after(() => {
  CallbackManager.prototype.handleChainStart = handleChainStart;
});

beforeTests(async () => {
  await shop.resetCatalog();
});

test('a turn counts its model calls and tokens without any LangChain callback reporting each runnable', async () => {
  const shopper = await shop.newShopper();
  chainStarts = 0;
  const { status, body } = await shop.chat(shopper, 'show me products');
  assert.equal(status, 200);
  assert.deepEqual(
    body.steps.map((step: { tool: string }) => step.tool),
    ['search_products'],
  );
  // The supervisor routes, the sales agent calls search_products, then answers.
  assert.equal(body.usage.model_calls, 3);
  assert.ok(body.usage.input_tokens > 0 && body.usage.output_tokens > 0);
  assert.equal(chainStarts, 0, 'no callback manager reports the start of the graph, its nodes or the model calls');
});

test('a turn builds no LangSmith run tree while tracing is off (patches/@langchain__core@1.4.0.patch)', async () => {
  const shopper = await shop.newShopper();
  const storage = AsyncLocalStorageProviderSingleton.getInstance();
  const run = storage.run;
  let runTrees = 0;
  let contexts = 0;
  storage.run = function (this: typeof storage, store: unknown, ...rest: unknown[]) {
    contexts += 1;
    // A RunTree (langsmith) is the only store that can make children.
    if (typeof (store as { createChild?: unknown } | undefined)?.createChild === 'function') runTrees += 1;
    return (run as (...each: unknown[]) => unknown).apply(this, [store, ...rest]);
  } as typeof run;
  try {
    const { status, body } = await shop.chat(shopper, 'show me products');
    assert.equal(status, 200);
    assert.equal(body.steps.length, 1);
  } finally {
    storage.run = run;
  }
  assert.ok(contexts > 10, `the turn's runnables ran in contexts of their own (${contexts})`);
  assert.equal(runTrees, 0);
});
