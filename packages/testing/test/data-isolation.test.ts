import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { beforeTests, useTestDatabase, useTestFixture } from '../src/index.js';

const database = useTestDatabase();

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeTests(async () => {
  await query(database.urlFor('auth'), 'create table auth.users (id int primary key, email text)');
  await query(database.urlFor('auth'), "insert into auth.users values (1, 'ada@example.com')");
});

// A fixture on the database: made after it, stopped before it is dropped, while it still answers.
const stoppedWith: number[] = [];
const fixture = useTestFixture(
  async (shared) => ({ url: shared.urlFor('auth') }),
  async ({ url }) => {
    stoppedWith.push((await query(url, 'select count(*)::int as users from auth.users')).rows[0].users);
  },
  database,
);
after(() => assert.deepEqual(stoppedWith, [1]));

test('a fixture is the value its set-up made, ready inside tests', () => {
  assert.equal(fixture.url, database.urlFor('auth'));
});

test("each service's role reads its own schema only", async () => {
  const own = await query(database.urlFor('auth'), 'select email from auth.users');
  assert.equal(own.rows[0].email, 'ada@example.com');
  await assert.rejects(
    query(database.urlFor('product'), 'select * from auth.users'),
    /permission denied for schema auth/,
  );
  await assert.rejects(
    query(database.urlFor('product'), 'create table auth.stolen (id int)'),
    /permission denied for schema auth/,
  );
  await assert.rejects(
    query(database.urlFor('product'), 'create table public.shared (id int)'),
    /permission denied for schema public/,
  );
  await query(database.urlFor('product'), 'create table product.allowed (id int)');
});
