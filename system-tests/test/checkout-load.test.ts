import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authService } from '@ecomm/auth-service/service';
import { createShopClient, runCheckoutLoad, type ShopUrls } from '@ecomm/cluster';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { testSecrets, useTestCluster } from '@ecomm/testing';
import { domainServices, testHooks } from './checkout-fixtures.js';

// What `pnpm bench:checkout` measures rests on its invariant; here it runs small on real services, times unasserted.
const cluster = useTestCluster(
  { auth: authService, ...domainServices, orchestrator: orchestratorService },
  { auth: { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '1000/minute' }, orchestrator: testHooks.orchestrator },
);

test('the checkout load registers users, checks out and finds orders, payments, stock and carts in agreement', async () => {
  const urls = cluster.urls as Required<ShopUrls>;
  const shop = createShopClient({ urls, internalApiKey: testSecrets.INTERNAL_API_KEY });
  const result = await runCheckoutLoad(shop, { users: 2, checkouts: 4, log: () => undefined });
  assert.deepEqual(result.invariant.problems, []);
  assert.equal(result.attempts, 4);
  assert.equal(result.completed, 4, JSON.stringify([...result.outcomes]));
  assert.equal(result.invariant.paidOrders, 4);
  assert.equal(result.invariant.capturedPayments, 4);
  assert.equal(result.invariant.cartsAsExpected, 4);
});
