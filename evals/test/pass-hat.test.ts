import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passHat, type CaseResult } from '../src/results.js';
import { failureReason, familySummary, resultsTable } from '../src/terminal-table.js';

const runs = (...outcomes: boolean[]) => outcomes.map((passed) => ({ passed }));

test('pass^i is the share of cases that passed in every one of their first i runs', () => {
  const cases = [
    { runs: runs(true, true, true) },
    { runs: runs(true, false, true) },
    { runs: runs(false, true, true) },
    { runs: runs(true, true, false) },
  ];
  assert.deepEqual(passHat(cases, 3), [3 / 4, 2 / 4, 1 / 4]);
  assert.deepEqual(passHat(cases, 1), [3 / 4]);
  assert.deepEqual(passHat([], 2), [0, 0]);
});

test('pass^k never rises with k', () => {
  const cases = Array.from({ length: 20 }, (_, index) => ({
    runs: runs(...Array.from({ length: 5 }, (__, run) => (index * 7 + run * 3) % 4 !== 0)),
  }));
  const hats = passHat(cases, 5);
  for (let k = 1; k < hats.length; k++) assert.ok(hats[k]! <= hats[k - 1]!);
});

test('the table and the summary show the failing run, its reason and pass^1 … pass^k', () => {
  const run = (passed: boolean, failures: string[] = []) => ({
    passed,
    failures,
    verdict: null,
    model_calls: 6,
    latency_ms: 500,
    observation: null,
  });
  const results: CaseResult[] = [
    { name: 'buy-macbook', family: 'happy_path', runs: [run(true), run(true), run(true)] },
    {
      name: 'price-tie',
      family: 'pricing',
      runs: [run(true), run(false, ['cart: 1 × Golf Ball, expected nothing', 'orders: 1 made, expected 0']), run(true)],
    },
  ];
  assert.equal(failureReason(results[1]!), 'run 2: cart: 1 × Golf Ball, expected nothing (+1 more)');
  const table = resultsTable(results);
  assert.match(table, /^FAMILY +CASE +RESULT +CALLS +LATENCY +REASON$/m);
  assert.match(table, /^happy_path +buy-macbook +PASS 3\/3 +6 +0\.50 s *$/m);
  assert.match(table, /^pricing +price-tie +FAIL 2\/3 +6 +0\.50 s +run 2: cart: 1 × Golf Ball/m);
  const summary = familySummary(results, 3);
  assert.match(summary, /^all +1\/2 +50\.0%$/m);
  assert.match(summary, /pass\^1 100\.0% {3}pass\^2 50\.0% {3}pass\^3 50\.0%/);
});
