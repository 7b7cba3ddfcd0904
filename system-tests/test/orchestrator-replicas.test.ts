import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { signTestToken, startTestService, useTestDatabase, useTestFixture } from '@ecomm/testing';

type Replica = Awaited<ReturnType<typeof startTestService>>;

const database = useTestDatabase();
let replicas: Replica[] = [];

// No domain service answers: these tests are about what happens before a request reaches them.
const nowhere = 'http://127.0.0.1:9';
const settings = {
  PRODUCT_SERVICE_URL: nowhere,
  ORDER_SERVICE_URL: nowhere,
  PAYMENT_SERVICE_URL: nowhere,
  SESSION_SERVICE_URL: nowhere,
  SERVICE_TIMEOUT_MS: '1000',
  LLM_PROVIDER: 'offline',
  RATE_LIMIT_CHAT: '3/minute',
  RATE_LIMIT_CHECKOUT: '2/minute',
};

useTestFixture(
  async () => {
    // Two replicas starting together on a fresh database: migrations and the checkpointer's own tables at once.
    replicas = await Promise.all([
      startTestService(orchestratorService, database, settings),
      startTestService(orchestratorService, database, settings),
    ]);
  },
  async () => {
    for (const replica of replicas) await replica.app.close();
  },
  database,
);

async function post(replica: Replica, path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${replica.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return response.status;
}

describe('replicas of the orchestrator on one database', () => {
  test('both come up when started together on a fresh database', () => {
    assert.equal(replicas.length, 2);
  });

  test("share one user's /chat limit", async () => {
    const token = await signTestToken(randomUUID());
    const chat = (replica: Replica) =>
      post(replica, '/chat', { session_id: `s-${randomUUID()}`, message: 'hi' }, { authorization: `Bearer ${token}` });
    const statuses = [
      await chat(replicas[0]!),
      await chat(replicas[1]!),
      await chat(replicas[0]!),
      await chat(replicas[1]!),
    ];
    assert.ok(
      statuses.slice(0, 3).every((status) => status !== 429),
      JSON.stringify(statuses),
    );
    assert.equal(statuses[3], 429, 'the fourth message of the minute is refused, whichever replica gets it');
    // Another user has a limit of their own.
    const other = await signTestToken(randomUUID());
    assert.notEqual(
      await post(replicas[1]!, '/chat', { session_id: 's-other', message: 'hi' }, { authorization: `Bearer ${other}` }),
      429,
    );
  });

  test('limit /checkout per user, across replicas', async () => {
    const token = await signTestToken(randomUUID());
    const checkout = (replica: Replica) =>
      post(replica, '/checkout', { session_id: 'cart-1' }, { authorization: `Bearer ${token}` });
    const statuses = [await checkout(replicas[0]!), await checkout(replicas[1]!), await checkout(replicas[0]!)];
    assert.ok(
      statuses.slice(0, 2).every((status) => status !== 429),
      JSON.stringify(statuses),
    );
    assert.equal(statuses[2], 429);
  });

  test('per-IP limits see the client behind a proxy only with TRUST_PROXY', async () => {
    const anonymous = (replica: Replica, ip: string) =>
      post(replica, '/chat', { session_id: 's-1', message: 'hi' }, { 'x-forwarded-for': ip });
    // Off (the default): X-Forwarded-For is ignored, so a client cannot pick a fresh address to dodge its limit.
    const direct = [];
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) direct.push(await anonymous(replicas[0]!, ip));
    assert.deepEqual(direct, [401, 401, 401, 429]);

    const behindProxy = await startTestService(orchestratorService, database, { ...settings, TRUST_PROXY: 'true' });
    replicas.push(behindProxy);
    const proxied = [];
    for (const ip of ['10.1.0.1', '10.1.0.1', '10.1.0.1', '10.1.0.1', '10.1.0.2'])
      proxied.push(await anonymous(behindProxy, ip));
    assert.deepEqual(proxied, [401, 401, 401, 429, 401]);
  });

  test('finished saga runs are pruned after the retention; runs that need an operator are kept', async () => {
    const client = new pg.Client({ connectionString: database.urlFor('orchestrator') });
    await client.connect();
    try {
      const ids = {
        oldCompleted: randomUUID(),
        oldCompensated: randomUUID(),
        oldAttention: randomUUID(),
        oldFailed: randomUUID(),
        recent: randomUUID(),
      };
      const insert = (id: string, status: string, finishedHoursAgo: number) =>
        client.query(
          `insert into orchestrator.saga_runs (id, type, status, input, finished_at)
           values ($1, 'checkout', $2, '{}', now() - make_interval(hours => $3))`,
          [id, status, finishedHoursAgo],
        );
      await insert(ids.oldCompleted, 'completed', 800);
      await insert(ids.oldCompensated, 'compensated', 800);
      await insert(ids.oldAttention, 'needs_attention', 800);
      await insert(ids.oldFailed, 'compensation_failed', 800);
      await insert(ids.recent, 'completed', 1);
      // A replica prunes when it starts (and hourly after).
      const pruner = await startTestService(orchestratorService, database, settings);
      replicas.push(pruner);
      const remaining = async () =>
        (
          await client.query<{ id: string }>('select id from orchestrator.saga_runs where id = any($1)', [
            Object.values(ids),
          ])
        ).rows.map((row) => row.id);
      const deadline = Date.now() + 20_000;
      while ((await remaining()).length > 3 && Date.now() < deadline) await sleep(100);
      assert.deepEqual(new Set(await remaining()), new Set([ids.oldAttention, ids.oldFailed, ids.recent]));
    } finally {
      await client.end();
    }
  });
});
