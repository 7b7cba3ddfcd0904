import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CallbackManager } from '@langchain/core/callbacks/manager';
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
