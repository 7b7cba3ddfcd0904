import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import pg from 'pg';
import { withParametersInlined } from '../src/database/inline-parameters.js';

// pg's own conversion of a parameter to the text it sends.
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue: (value: unknown) => string;
};

test('parameters are written in as quoted constants, outside strings, quoted names and comments only', () => {
  assert.equal(
    withParametersInlined(`select $1, '$1', "a$1", $2::int -- $1\n from t where x = $1 /* $2 */`, ['it', 7]),
    `select 'it', '$1', "a$1", '7'::int -- $1\n from t where x = 'it' /* $2 */`,
  );
  assert.equal(withParametersInlined('select $1, $2, $3', [null, undefined, true]), "select null, null, 'true'");
  assert.equal(withParametersInlined('select $1 - $2 / 2', [-1.5, 10n]), "select '-1.5' - '10' / 2");
});

test('an array is written in as the constant of the text pg sends for it, which its cast types', () => {
  const arrays = [
    [1, -2, 3n],
    [],
    ["O'Brien", 'a"b', 'back\\slash', 'x,y', '{}', 'NULL', ''],
    [null, 'z'],
    [[1, 2], [3]],
    [true],
  ];
  for (const array of arrays) {
    const written = withParametersInlined('select $1::text[]', [array]);
    assert.equal(written, `select ${pg.escapeLiteral(prepareValue(array))}::text[]`, inspect(array));
  }
  assert.equal(withParametersInlined('select $1::int[]', [[1, 2]]), `select '{"1","2"}'::int[]`);
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
  const notWritten = [
    Buffer.from('x'),
    new Date(0),
    [new Date(0)],
    [{ a: 1 }],
    [Number.NaN],
    ['nul\0'],
    { a: 1 },
    'nul\0',
    Infinity,
  ];
  for (const value of notWritten) {
    assert.equal(withParametersInlined('select $1', [value]), undefined, String(value));
  }
});

test('a line comment ends at a carriage return, as PostgreSQL reads it: what follows is code', () => {
  // Read as a comment up to the line feed, the `'` would be missed and $2 written inside what PostgreSQL takes as a string.
  const text = "select $1 -- note\r'\n, $2 --'\n";
  assert.equal(withParametersInlined(text, ['a', "'); drop table t; --"]), "select 'a' -- note\r'\n, $2 --'\n");
});
