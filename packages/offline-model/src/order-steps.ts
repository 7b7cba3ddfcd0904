import type { OrderSummary, ProductSummary, ToolResult } from './conversation.js';
import type { OrderRef, Quantity, Target } from './intents.js';
import { productsNamed } from './product-matching.js';
import { replies } from './replies.js';

type Call = (name: string, args: Record<string, unknown>) => ToolResult;

const cancellable = new Set(['pending', 'paid']);
const returnable = new Set(['delivered', 'partially_returned']);

const asProducts = (order: OrderSummary): ProductSummary[] =>
  order.items.map((item) => ({ id: item.product_id, name: item.name, price: item.unit_price, stock: 0 }));
const remaining = (item: OrderSummary['items'][number]) => item.quantity - item.returned_quantity;

/**
 * The offline plan's steps about orders already placed. Which order and which lines are read from the order tools'
 * answers; the amounts and the rules stay with the tools, which also ask the shopper to confirm any refund.
 */
export function orderSteps(call: Call, say: (reply: string) => void) {
  /** The order a reference means; for a product, the newest order holding it, preferring one the action fits. */
  function findOrder(ref: OrderRef, fits: Set<string>): OrderSummary | undefined {
    if (ref.kind === 'id') {
      const result = call('get_order', { order_id: ref.id });
      if (!result.order) say(result.error ?? replies.orderNotFound);
      return result.order;
    }
    const orders = call('list_orders', {}).orders ?? [];
    if (orders.length === 0) return void say(replies.noOrders);
    if (ref.kind === 'latest') return orders[0];
    const holding = orders.filter((order) => productsNamed(ref.text, asProducts(order)).length > 0);
    const found = holding.find((order) => fits.has(order.status)) ?? holding[0];
    if (!found) say(replies.noOrderWith(ref.text));
    return found;
  }

  return {
    list() {
      say(replies.orders(call('list_orders', {}).orders ?? []));
    },
    status(ref: OrderRef) {
      const order = findOrder(ref, new Set());
      if (order) say(replies.order(order));
    },
    cancel(ref: OrderRef) {
      const order = findOrder(ref, cancellable);
      if (!order) return;
      const result = call('cancel_order', { order_id: order.order_id });
      say(
        result.ok
          ? (result.message ?? replies.cancelled(order.order_id))
          : (result.error ?? replies.cancelled(order.order_id)),
      );
    },
    return(ref: OrderRef, target?: Target, quantity?: Quantity) {
      const order = findOrder(ref, returnable);
      if (!order) return;
      let items = order.items.filter((item) => remaining(item) > 0);
      if (target?.kind === 'named') {
        const named = new Set(productsNamed(target.text, asProducts(order)).map((product) => product.id));
        items = items.filter((item) => named.has(item.product_id));
        if (items.length === 0) return say(replies.notInOrder(target.text, order.order_id));
        if (items.length > 1)
          return say(
            replies.whichLine(
              target.text,
              items.map((item) => item.name),
            ),
          );
      }
      if (items.length === 0) return say(replies.nothingToReturn(order.order_id));
      if (quantity && items.length > 1)
        return say(
          replies.whichLine(
            'those',
            items.map((item) => item.name),
          ),
        );
      const lines = items.map((item) => ({
        product_id: item.product_id,
        quantity: quantity ? (quantity.kind === 'count' ? quantity.value : quantity.text) : remaining(item),
      }));
      const result = call('return_items', { order_id: order.order_id, lines });
      say(
        result.ok
          ? (result.message ?? replies.returned(order.order_id))
          : (result.error ?? replies.returned(order.order_id)),
      );
    },
  };
}
