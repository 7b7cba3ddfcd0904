import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anyOf } from '../src/patterns.js';

test('anyOf matches what the one-line alternation matched, with the same flags', () => {
  const joined = anyOf(/^show (?:my )?orders\b/i, /^(?:my\s+)?order\s+history\b/i);
  const oneLine = /^show (?:my )?orders\b|^(?:my\s+)?order\s+history\b/i;
  assert.equal(joined.source, oneLine.source);
  assert.equal(joined.flags, 'i');
  for (const text of ['Show orders', 'my order history', 'history of my order', 'show my orders please'])
    assert.equal(joined.test(text), oneLine.test(text), text);
  assert.throws(() => anyOf(/a/g, /b/), /differ in flags/);
});
