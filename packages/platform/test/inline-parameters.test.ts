import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withParametersInlined } from '../src/database/inline-parameters.js';

test('parameters are written in as quoted constants, outside strings, quoted names and comments only', () => {
  assert.equal(
    withParametersInlined(`select $1, '$1', "a$1", $2::int -- $1\n from t where x = $1 /* $2 */`, ['it', 7]),
    `select 'it', '$1', "a$1", '7'::int -- $1\n from t where x = 'it' /* $2 */`,
  );
  assert.equal(withParametersInlined('select $1, $2, $3', [null, undefined, true]), "select null, null, 'true'");
  assert.equal(withParametersInlined('select $1 - $2 / 2', [-1.5, 10n]), "select '-1.5' - '10' / 2");
});

test('quotes and backslashes in a value stay inside its constant', () => {
  assert.equal(withParametersInlined('select $1', ["O'Brien"]), "select 'O''Brien'");
  // pg writes an escape string, after a space that keeps the E apart from whatever comes before.
  assert.equal(withParametersInlined('select $1', ['back\\slash']), "select  E'back\\\\slash'");
  assert.equal(withParametersInlined('select $1', ["*/ '; drop table t; --"]), "select '*/ ''; drop table t; --'");
});

test('anything not plainly understood is left to be sent with its parameters', () => {
  const unclear = [
    `select E'\\'' || $1`,
    `select U&'d\\0061t' || $1`,
    'select $$ $1 $$, $1',
    'select $tag$ x $tag$, $1',
    'select a$1 from t',
    'select /* outer /* inner */ $1 */ 1',
    "select 'unfinished, $1",
    'select "unfinished, $1',
    'select $0',
    'select é$1 from t',
    'select $2',
  ];
  for (const text of unclear) assert.equal(withParametersInlined(text, ['x']), undefined, text);
  for (const value of [Buffer.from('x'), new Date(0), [1, 2], { a: 1 }, 'nul\0', Number.NaN, Infinity]) {
    assert.equal(withParametersInlined('select $1', [value]), undefined, String(value));
  }
});

test('a line comment ends at a carriage return, as PostgreSQL reads it: what follows is code', () => {
  // Read as a comment up to the line feed, the `'` would be missed and $2 written inside what PostgreSQL takes as a string.
  const text = "select $1 -- note\r'\n, $2 --'\n";
  assert.equal(withParametersInlined(text, ['a', "'); drop table t; --"]), "select 'a' -- note\r'\n, $2 --'\n");
});
