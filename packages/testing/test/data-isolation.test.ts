import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../src/index.js';

let database: TestDatabase;

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

before(async () => {
  database = await createTestDatabase();
  await query(database.urlFor('auth'), 'create table auth.users (id int primary key, email text)');
  await query(database.urlFor('auth'), "insert into auth.users values (1, 'ada@example.com')");
});

after(() => database.drop());

test("each service's role reads its own schema only", async () => {
  const own = await query(database.urlFor('auth'), 'select email from auth.users');
  assert.equal(own.rows[0].email, 'ada@example.com');
  await assert.rejects(query(database.urlFor('product'), 'select * from auth.users'), /permission denied for schema auth/);
  await assert.rejects(query(database.urlFor('product'), 'create table auth.stolen (id int)'), /permission denied for schema auth/);
  await assert.rejects(query(database.urlFor('product'), 'create table public.shared (id int)'), /permission denied for schema public/);
  await query(database.urlFor('product'), 'create table product.allowed (id int)');
});
