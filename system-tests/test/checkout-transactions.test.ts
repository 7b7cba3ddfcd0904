import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { authService } from '@ecomm/auth-service/service';
import { createShopClient, type ShopUrls } from '@ecomm/cluster';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { testSecrets, useTestCluster, useTestDatabase } from '@ecomm/testing';
import pg from 'pg';
import { domainServices } from './checkout-fixtures.js';

// PostgreSQL transactions one checkout commits, on the path `pnpm bench:checkout` drives: each waits for a WAL flush.
// Counted by pg_stat_database, whose counters a backend publishes within 10 s of going idle, hence the waits.
const database = useTestDatabase();
const cluster = useTestCluster(
  { auth: authService, ...domainServices, orchestrator: orchestratorService },
  { auth: { BCRYPT_ROUNDS: '4' }, orchestrator: { SAGA_SWEEP_INTERVAL_MS: '600000' } },
  database,
);
const statsPublishedWithinMs = 11_000;

async function counters() {
  const client = new pg.Client({ connectionString: database.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: number }>(
      'select xact_commit::int as commits from pg_stat_database where datname = current_database()',
    );
    return rows[0]!.commits;
  } finally {
    await client.end();
  }
}

test('one checkout commits few PostgreSQL transactions: the idempotency records share the work’s', async () => {
  const shop = createShopClient({
    urls: cluster.urls as Required<ShopUrls>,
    internalApiKey: testSecrets.INTERNAL_API_KEY,
  });
  const product = await shop.createProduct({ name: 'Counted', price: 5, stock: 10, category: 'Benchmark' });
  const user = await shop.register('counted@example.com', 'counted-password');
  await shop.openCart(user.userId, 'counted-session', [{ productId: product.id, quantity: 2 }]);

  await sleep(statsPublishedWithinMs);
  const before = await counters();
  const reply = await shop.checkout(user.token, 'counted-session');
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  await sleep(statsPublishedWithinMs);
  const after = await counters();

  // The counters' own query is one commit, and nothing else ran meanwhile (the saga sweep is ten minutes away).
  const commits = after - before - 1;
  console.log(`one checkout: ${commits} commits`);
  // 32 when every idempotent call claimed and stored its key in transactions of their own; the charge still does.
  assert.ok(commits <= 24, `${commits} commits`);
});
