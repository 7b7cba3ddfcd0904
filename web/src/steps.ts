/** What each tool call is called on the page: the agent's steps in a shopper's words. */
const stepLabels: Record<string, string> = {
  search_products: 'Searching the catalog',
  add_to_cart: 'Adding to the cart',
  update_cart_quantity: 'Changing a quantity',
  remove_from_cart: 'Removing from the cart',
  view_cart: 'Looking at the cart',
  checkout: 'Paying',
  transfer_to_checkout: 'Handing over to checkout',
  transfer_to_sales: 'Handing over to sales',
  transfer_to_orders: 'Handing over to orders',
  list_orders: 'Looking up your orders',
  get_order: 'Looking up an order',
  cancel_order: 'Cancelling the order',
  return_items: 'Returning items',
};

export function stepLabel(toolName: string, input: unknown) {
  const label = stepLabels[toolName] ?? toolName;
  const query = (input as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' ? `${label}: “${query}”` : label;
}
