import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { useAdminDatabase, useTestDatabase } from '@ecomm/testing';
import { withParametersInlined } from '../../../packages/platform/src/database/inline-parameters.js';

// An array written into a statement must read back exactly as the same array sent as a parameter, in every
// context, with adversarial strings; and nothing in a value may escape its constant.
const database = useTestDatabase();
const admin = useAdminDatabase(database, { poolMax: 1 });

async function outcome(text: string, values?: unknown[]) {
  try {
    const { rows } = await admin.pool.query(text, values);
    return { rows: JSON.stringify(rows) };
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

async function same(text: string, values: unknown[]) {
  const inlined = withParametersInlined(text, values);
  if (inlined === undefined) return 'not inlined';
  const asParameter = await outcome(text, values);
  const asConstant = await outcome(inlined);
  assert.deepEqual(asConstant, asParameter, `${text} with ${inspect(values, { depth: 5 })} written as ${inlined}`);
  return asParameter;
}

const pieces = [
  "'",
  "''",
  '"',
  '\\',
  '\\\\',
  '{',
  '}',
  ',',
  ' ',
  'NULL',
  'null',
  'é',
  '😀',
  '\n',
  '\r',
  '\t',
  '$1',
  '--',
  '/*',
  '*/',
  "E'",
  ';',
  'drop table product.products;',
  '\\"',
  "\\'",
  '"}',
  'a',
  '\u2028',
  '\ud800',
];

let seed = 42;
const random = (below: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % below;
};
const randomString = () => Array.from({ length: random(6) }, () => pieces[random(pieces.length)]).join('');

test('random adversarial string arrays read back as their parameter does (text[], = any, nested)', async () => {
  for (let round = 0; round < 120; round++) {
    const flat = Array.from({ length: random(5) }, () => (random(8) === 0 ? null : randomString()));
    await same('select $1::text[] as v', [flat]);
    await same('select $2 = any($1) as v, array_length($1::text[], 1) as n', [flat, flat[0] ?? 'x']);
    await same('select $1::varchar[] as v, $2::text as s', [flat, randomString()]);
    const width = 1 + random(3);
    const nested = Array.from({ length: 1 + random(3) }, () => Array.from({ length: width }, () => randomString()));
    await same('select $1::text[] as v', [nested]);
    // Uneven nesting is refused either way.
    await same('select $1::text[] as v', [[[randomString()], randomString()]]);
  }
});

test('numbers, bigints, booleans, -0, 1e21, empty and null arrays read back as their parameter does', async () => {
  const cases: [string, unknown[]][] = [
    ['select $1::int[] as v', [[1, -2, 3]]],
    ['select $1::int[] as v', [[-0]]],
    ['select $1::int[] as v', [[1e21]]],
    ['select $1::numeric[] as v', [[1e21, -0, 0.1, 5e-324, 1.7976931348623157e308]]],
    ['select $1::float8[] as v', [[1e21, -0, 0.1, 5e-324]]],
    ['select $1::bigint[] as v', [[9007199254740993n, -9223372036854775808n]]],
    ['select $1::bigint[] as v', [[9223372036854775808n]]],
    ['select $1::bool[] as v', [[true, false, null]]],
    ['select $1::int[] as v', [[]]],
    ['select $1::int[] as v', [[[], []]]],
    ['select $1::int[] as v', [[null, undefined]]],
    ['select $1::int[] as v', [[1.5]]],
    ['select 3 = any($1) as v', [[1, 2, 3]]],
    ["select 'b' = any($1) as v", [['a', 'b']]],
    ['select $1::jsonb as v', [['a', 1]]],
    ['select $1::text as v', [['a', 'b"c']]],
    ['select $1 as v', [[1, 'x']]],
    [
      'select array_length($1::int[][], 2) as v',
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ],
    ['select $1::text[] as v', [['a\u0000b']]],
  ];
  for (const [text, values] of cases) await same(text, values);
});

test('an array with a NUL, a Date, an object or a Buffer in it is not written in', () => {
  for (const element of ['a\u0000', new Date(0), { a: 1 }, Buffer.from('x'), Number.NaN, Infinity, Symbol('s')]) {
    assert.equal(withParametersInlined('select $1::text[]', [[element]]), undefined, inspect(element));
  }
});
