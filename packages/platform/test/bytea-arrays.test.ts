import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { parseByteaArray, poolTypes } from '../src/database/bytea-arrays.js';

const parserOf = poolTypes.getTypeParser as (oid: number, format?: 'text') => unknown;
const standard = (pg.types.getTypeParser as (oid: number, format: 'text') => (text: string) => unknown)(1001, 'text');
const hex = (text: string) => `"\\\\x${Buffer.from(text).toString('hex')}"`;

test('bytea arrays parse to the same nested Buffers as pg-types parses them', () => {
  const samples = [
    '{}',
    `{${hex('one')}}`,
    `{${hex('messages')},NULL,"\\\\x"}`,
    `{{${hex('messages')},${hex('json')},${hex('[{"lc":1,"kwargs":{"content":"a \\"quoted\\" {brace}"}}]')}},{${hex('branch:to:sales')},${hex('empty')},NULL}}`,
  ];
  for (const sample of samples) assert.deepEqual(parseByteaArray(sample), standard(sample), sample);
  assert.deepEqual(parseByteaArray(`{${hex('abc')}}`), [Buffer.from('abc')]);
});

test('text of another form (escape output, explicit bounds) goes to the standard parser', () => {
  for (const sample of ['{"abc\\\\000"}', `[2:2]={${hex('x')}}`, '{unquoted}'])
    assert.deepEqual(parseByteaArray(sample), standard(sample), sample);
});

test('the pools parse bytea[] with it and every other type as pg does', () => {
  assert.equal(parserOf(1001, 'text'), parseByteaArray);
  assert.equal(parserOf(1001), parseByteaArray);
  assert.equal(poolTypes.getTypeParser(20, 'text'), pg.types.getTypeParser(20, 'text'));
});
