import type { Product } from '@ecomm/contracts';
import { demoCatalog } from './demo-catalog.js';

interface ProductService {
  url: string;
  internalApiKey: string;
  /** Aborting it stops the seeding between (or during) requests: `pnpm start` stopped while seeding. */
  signal?: AbortSignal;
}

async function call<T>(service: ProductService, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      'x-internal-api-key': service.internalApiKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    ...(service.signal ? { signal: service.signal } : {}),
  });
  if (!response.ok)
    throw new Error(`${method} ${path} on the product service answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function catalogSize(service: ProductService) {
  return (await call<{ total: number }>(service, 'GET', '/?limit=1')).total;
}

/**
 * Puts every demo product in the catalog as generated: a product of the same name gets its price, stock,
 * category and description back; a missing one is created. Products the operator added stay as they are.
 */
export async function seedDemoCatalog(service: ProductService) {
  let created = 0;
  let restored = 0;
  for (const product of demoCatalog()) {
    const { items } = await call<{ items: Product[] }>(
      service,
      'GET',
      `/?query=${encodeURIComponent(product.name)}&limit=100`,
    );
    const existing = items.find((item) => item.name === product.name);
    if (existing) {
      const { name: _name, ...changes } = product;
      await call(service, 'PATCH', `/${existing.id}`, changes);
      restored += 1;
    } else {
      await call(service, 'POST', '/', product);
      created += 1;
    }
  }
  return { created, restored };
}

/**
 * A first start with an empty catalog gets the demo products, created one after another so that their ids follow the
 * catalog's order (with nothing to look up first: a fresh clone's start waits for it); a catalog with anything in it
 * is left alone. `onSeeding` hears how many are about to be created.
 */
export async function seedDemoCatalogIfEmpty(service: ProductService, onSeeding?: (count: number) => void) {
  if ((await catalogSize(service)) > 0) return undefined;
  const catalog = demoCatalog();
  onSeeding?.(catalog.length);
  for (const product of catalog) await call(service, 'POST', '/', product);
  return { created: catalog.length, restored: 0 };
}
