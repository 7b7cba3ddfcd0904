import type { OrderSummary, ProductSummary, ToolResult } from './conversation.js';

// One formatter for every amount: toLocaleString builds a new one per call (tens of µs, ten times per product list).
const dollars = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function money(amount: number) {
  return `$${dollars.format(amount)}`;
}

function listProducts(products: ProductSummary[]) {
  return products
    .map((product) => `- ${product.name}: ${money(product.price)} (${product.stock} in stock, id ${product.id})`)
    .join('\n');
}

export function describeCartResult(result: ToolResult) {
  const items = result.cart?.items ?? [];
  if (items.length === 0) return 'Your cart is empty.';
  const lines = items.map(
    (item) => `- ${item.quantity} × ${item.name} at ${money(item.unit_price)} = ${money(item.line_total)}`,
  );
  return `Your cart:\n${lines.join('\n')}\nTotal: ${money(result.cart!.total)}`;
}

function describeOrder(order: OrderSummary) {
  const lines = order.items.map(
    (item) =>
      `  - ${item.quantity} × ${item.name}${item.returned_quantity ? ` (${item.returned_quantity} returned)` : ''}`,
  );
  return [`- Order ${order.order_id}: ${order.status.replace('_', ' ')}, ${money(order.total)}`, ...lines].join('\n');
}

export const replies = {
  orders: (orders: OrderSummary[]) =>
    orders.length === 0
      ? "You haven't placed any orders yet."
      : `Your orders, newest first:\n${orders.map(describeOrder).join('\n')}`,
  order: (order: OrderSummary) => describeOrder(order).slice(2),
  noOrders: "You haven't placed any orders yet.",
  orderNotFound: 'I could not find that order among yours.',
  noOrderWith: (text: string) => `None of your orders holds "${text}".`,
  notInOrder: (text: string, orderId: string) => `Order ${orderId} holds no "${text}" that can still be returned.`,
  whichLine: (text: string, names: string[]) =>
    `Several lines match "${text}": ${names.join(', ')}. Which one do you mean? Nothing was changed.`,
  nothingToReturn: (orderId: string) => `Everything in order ${orderId} has already been returned.`,
  cancelled: (orderId: string) => `Order ${orderId}: cancellation handled.`,
  returned: (orderId: string) => `Order ${orderId}: return handled.`,
  nothingToConfirm: 'There is nothing waiting for your confirmation. Tell me what you would like to do.',
  nothingChanged: 'OK, nothing was changed.',
  help:
    'I can find products, add them to your cart, remove them, show your cart and check out, ' +
    'then show your orders, cancel one that has not shipped or return delivered items. ' +
    'For example: "Find a MacBook Pro and buy 1 unit."',
  priceChange:
    "I can't change prices or sell below the listed price: prices come from our catalog, not from this conversation. Nothing was added or bought.",
  notFound: (query: string) => `I couldn't find any product matching "${query}". Nothing was added.`,
  nothingFound: (query: string) =>
    query ? `I couldn't find any products matching "${query}".` : 'The catalog is empty right now.',
  found: (query: string, products: ProductSummary[]) =>
    `${query ? `Here is what I found for "${query}"` : 'Here are our products'}:\n${listProducts(products)}`,
  unclearReference: "I'm not sure which product you mean. Tell me its name, or ask me to find it first.",
  tie: (query: string, products: ProductSummary[]) =>
    `Several ${query || 'products'} share the lowest price of ${money(products[0]!.price)}:\n${listProducts(products)}\n` +
    `Which one would you like? I haven't changed your cart.`,
  cheapest: (product: ProductSummary) =>
    `The cheapest is ${product.name} at ${money(product.price)} (${product.stock} in stock).`,
  skippedCheckout: 'I did not check out, because not everything you asked for could be added.',
  ambiguous: (text: string, products: ProductSummary[]) =>
    `Several products match "${text}":\n${listProducts(products)}\nWhich one do you mean? I haven't changed your cart.`,
  tooMany: (limit: number) =>
    `That is more than ${limit} products in one message. Please ask for at most ${limit} at a time.`,
  underLimit: (text: string, maxPrice: number) =>
    `I couldn't find any product matching "${text}" at ${money(maxPrice)} or less. Nothing was added.`,
  checkoutFailed: (error: string) => `Checkout failed: ${error}`,
  removed: (name: string) => `Removed ${name} from your cart.`,
  quantitySet: (name: string, quantity: number) => `Your cart now has ${quantity} × ${name}.`,
  emptied: 'I removed everything: your cart is empty now.',
};
