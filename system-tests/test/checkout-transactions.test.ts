import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authService } from '@ecomm/auth-service/service';
import { createShopClient, type ShopUrls } from '@ecomm/cluster';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { commitsDuring, statementsDuring, testSecrets, useTestCluster, useTestDatabase } from '@ecomm/testing';
import { domainServices } from './checkout-fixtures.js';

// PostgreSQL transactions one checkout commits, on the path `pnpm bench:checkout` drives: each waits for a WAL flush.
// The services run in this process, so their commits are counted where pg sends them.
const database = useTestDatabase();
const cluster = useTestCluster(
  { auth: authService, ...domainServices, orchestrator: orchestratorService },
  { auth: { BCRYPT_ROUNDS: '4' }, orchestrator: { SAGA_SWEEP_INTERVAL_MS: '600000' } },
  database,
);

/** A new user's cart of two units of a new product: its checkout, to count. */
async function cartToCheckOut(name: string) {
  const shop = createShopClient({
    urls: cluster.urls as Required<ShopUrls>,
    internalApiKey: testSecrets.INTERNAL_API_KEY,
  });
  const product = await shop.createProduct({ name, price: 5, stock: 10, category: 'Benchmark' });
  const user = await shop.register(`${name.toLowerCase()}@example.com`, 'counted-password');
  const sessionId = `${name.toLowerCase()}-session`;
  await shop.openCart(user.userId, sessionId, [{ productId: product.id, quantity: 2 }]);
  return () => shop.checkout(user.token, sessionId);
}

test('one checkout commits few PostgreSQL transactions: the idempotency records share the work’s', async () => {
  const checkout = await cartToCheckOut('Counted');
  let status = 0;
  const commits = await commitsDuring(async () => {
    status = (await checkout()).status;
  });
  assert.equal(status, 201);
  console.log(`one checkout: ${commits} commits`);
  // 32 when every idempotent call claimed and stored its key in transactions of their own (the charge still does);
  // 20 while the cart was read ahead of the saga to check its owner (now the claim's work) and each step past the
  // payment had its start written first (now they share the run's last write); 15 while the charge read the order
  // in a transaction of its own after claiming its key (now the claim's statement reads it).
  assert.ok(commits <= 14, `${commits} commits`);
  assert.ok(commits >= 10, `${commits} commits: the count must see the services' work`);
});

test('one checkout sends few statements, all services together: each is a round trip', async () => {
  const checkout = await cartToCheckOut('Sent');
  let status = 0;
  const sent = await statementsDuring(async () => {
    status = (await checkout()).status;
  });
  assert.equal(status, 201);
  const byService = new Map<string, number>();
  for (const { application } of sent) byService.set(application, (byService.get(application) ?? 0) + 1);
  const split = [...byService].map(([service, count]) => `${service} ${count}`).join(', ');
  console.log(`one checkout: ${sent.length} statements (${split})`);
  // 45 before BEGIN travelled with the first statement and an idempotent answer with the COMMIT, and before the
  // reservation and the charge's record were one statement each; 27 before the session's claim and its completion
  // sent the cart's lock with their work (session 8 to 6) and the charge's key carried its check (payment 4 to 3).
  // 24 before each keyed step's claim of its key travelled with its work (session 6 to 4, product 3 to 2, order 6 to
  // 4). The saga's own writes and the rate limit are 6.
  assert.ok(sent.length <= 19, `${sent.length} statements`);
  assert.ok(sent.length >= 15, `${sent.length} statements: the count must see the services' work`);
});
