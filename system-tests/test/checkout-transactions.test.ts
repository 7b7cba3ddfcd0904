import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authService } from '@ecomm/auth-service/service';
import { createShopClient, type ShopUrls } from '@ecomm/cluster';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { commitsDuring, testSecrets, useTestCluster, useTestDatabase } from '@ecomm/testing';
import { domainServices } from './checkout-fixtures.js';

// PostgreSQL transactions one checkout commits, on the path `pnpm bench:checkout` drives: each waits for a WAL flush.
// The services run in this process, so their commits are counted where pg sends them.
const database = useTestDatabase();
const cluster = useTestCluster(
  { auth: authService, ...domainServices, orchestrator: orchestratorService },
  { auth: { BCRYPT_ROUNDS: '4' }, orchestrator: { SAGA_SWEEP_INTERVAL_MS: '600000' } },
  database,
);

test('one checkout commits few PostgreSQL transactions: the idempotency records share the work’s', async () => {
  const shop = createShopClient({
    urls: cluster.urls as Required<ShopUrls>,
    internalApiKey: testSecrets.INTERNAL_API_KEY,
  });
  const product = await shop.createProduct({ name: 'Counted', price: 5, stock: 10, category: 'Benchmark' });
  const user = await shop.register('counted@example.com', 'counted-password');
  await shop.openCart(user.userId, 'counted-session', [{ productId: product.id, quantity: 2 }]);

  let status = 0;
  const commits = await commitsDuring(async () => {
    const reply = await shop.checkout(user.token, 'counted-session');
    status = reply.status;
  });
  assert.equal(status, 201);
  console.log(`one checkout: ${commits} commits`);
  // 32 when every idempotent call claimed and stored its key in transactions of their own (the charge still does);
  // 20 while the cart was read ahead of the saga to check its owner (now the claim's work) and each step past the
  // payment had its start written first (now they share the run's last write).
  assert.ok(commits <= 16, `${commits} commits`);
  assert.ok(commits >= 10, `${commits} commits: the count must see the services' work`);
});
