import type { Cart, Product } from '@ecomm/contracts';
import type { DomainClients } from '../../clients/domain-clients.js';

/**
 * A cart with each line's current name and price, as the agents and the shopper see it. `known`: products the caller
 * has just read, not asked for again.
 */
export async function describeCart(clients: DomainClients, cart: Cart, known: Product[] = []) {
  const items = await Promise.all(
    cart.items.map(async (item) => {
      const product =
        known.find((each) => each.id === item.product_id) ??
        (await clients.products.get(item.product_id).catch(() => undefined));
      const unitPrice = product?.price ?? 0;
      return {
        product_id: item.product_id,
        name: product?.name ?? `product ${item.product_id} (no longer sold)`,
        quantity: item.quantity,
        unit_price: unitPrice,
        line_total: Math.round(unitPrice * item.quantity * 100) / 100,
      };
    }),
  );
  const total = Math.round(items.reduce((sum, item) => sum + item.line_total * 100, 0)) / 100;
  return { status: cart.status, items, total };
}
