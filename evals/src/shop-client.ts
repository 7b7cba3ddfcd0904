import { randomUUID } from 'node:crypto';
import type { ShopClient, ShopUrls } from '@ecomm/cluster';
import type { Product } from '@ecomm/contracts';
import { catalogFixture } from './catalog-fixture.js';

/** Where the cluster under evaluation answers, and the key its internal routes require. */
export interface ShopTarget {
  urls: Required<ShopUrls>;
  internalApiKey: string;
}

export interface Shopper {
  userId: string;
  token: string;
  sessionId: string;
}

/** Empties the catalog and seeds the eval fixture; returns the new products by name. */
export async function seedCatalog(shop: ShopClient): Promise<Map<string, Product>> {
  try {
    await shop.resetCatalog();
  } catch (error) {
    if (/answered 404/.test((error as Error).message)) {
      throw new Error('The product service has no POST /reset_db: start the cluster with ALLOW_TEST_RESET=true.');
    }
    throw error;
  }
  const products = new Map<string, Product>();
  for (const product of catalogFixture) products.set(product.name, await shop.createProduct(product));
  return products;
}

/** A new account, signed up and logged in through the auth service, with a session id of its own. */
export async function registerShopper(shop: ShopClient): Promise<Shopper> {
  const { userId, token } = await shop.register(`eval-${randomUUID()}@example.com`, `pw-${randomUUID()}`);
  return { userId, token, sessionId: `eval-${randomUUID()}` };
}

/** The operator's part: ships, then delivers if asked, every paid or shipped order of the user. */
export async function fulfil(shop: ShopClient, userId: string, status: 'shipped' | 'delivered') {
  for (const order of await shop.ordersOf(userId)) {
    if (order.status === 'paid') await shop.ship(order.order_id);
    const deliverable = order.status === 'paid' || order.status === 'shipped';
    if (status === 'delivered' && deliverable) await shop.deliver(order.order_id);
  }
}
