import type { ExecutedCall, ProductSummary, ToolResult } from './conversation.js';
import type { Intent, Quantity, Target } from './intents.js';
import { describeCartResult, replies } from './replies.js';

/** The next tool the plan needs, with its arguments. */
export class NeedsCall {
  constructor(
    readonly name: string,
    readonly args: Record<string, unknown>,
  ) {}
}

/**
 * Replays a message's plan against the tool calls already made this turn. Returns the reply when the plan is
 * finished, or throws NeedsCall with the next call: one model step at a time, as a tool-calling LLM works.
 */
export function runPlan(intents: Intent[], executed: ExecutedCall[], mentioned: ProductSummary[]): string {
  let cursor = 0;
  const call = (name: string, args: Record<string, unknown>): ToolResult => {
    const next = executed[cursor];
    if (!next) throw new NeedsCall(name, args);
    cursor++;
    return next.result;
  };
  const outcomes: string[] = [];
  let lastProducts = mentioned;
  let purchaseFailed = false;

  const quantityArgument = (quantity: Quantity) => (quantity.kind === 'count' ? quantity.value : quantity.text);

  function find(query: string, extra: Record<string, unknown> = {}) {
    const result = call('search_products', { query, limit: 10, ...extra });
    return result.products ?? [];
  }

  function resolve(target: Target): ProductSummary[] {
    if (target.kind === 'pronoun') return target.plural ? lastProducts : lastProducts.slice(0, 1);
    const [best] = find(target.text);
    return best ? [best] : [];
  }

  function add(product: ProductSummary, quantity: Quantity) {
    const result = call('add_to_cart', { product_id: product.id, quantity: quantityArgument(quantity) });
    lastProducts = [product];
    if (result.ok) outcomes.push(result.message ?? `Added ${product.name}.`);
    else {
      purchaseFailed = true;
      outcomes.push(result.error ?? `I could not add ${product.name}.`);
    }
  }

  for (const intent of intents) {
    switch (intent.type) {
      case 'browse': {
        const products = find(intent.query, intent.sort ? { sort: intent.sort } : {});
        if (products.length > 0) lastProducts = products;
        outcomes.push(products.length > 0 ? replies.found(intent.query, products) : replies.nothingFound(intent.query));
        break;
      }
      case 'add': {
        const products = resolve(intent.target);
        if (products.length === 0) {
          purchaseFailed = true;
          outcomes.push(intent.target.kind === 'named' ? replies.notFound(intent.target.text) : replies.unclearReference);
          break;
        }
        for (const product of products) add(product, intent.quantity);
        break;
      }
      case 'cheapest': {
        const products = find(intent.query, { sort: 'price_asc' });
        const lowest = products[0];
        if (!lowest) {
          purchaseFailed = true;
          outcomes.push(replies.notFound(intent.query));
          break;
        }
        const tied = products.filter((product) => product.price === lowest.price);
        if (tied.length > 1) {
          lastProducts = tied;
          outcomes.push(replies.tie(intent.query, tied));
          return outcomes.join('\n\n');
        }
        lastProducts = [lowest];
        if (intent.add) add(lowest, intent.quantity);
        else outcomes.push(replies.cheapest(lowest));
        break;
      }
      case 'everything': {
        const inStock = find('', { limit: 100 }).filter((product) => product.stock > 0);
        if (inStock.length === 0) {
          purchaseFailed = true;
          outcomes.push(replies.nothingFound(''));
        }
        for (const product of inStock) add(product, { kind: 'count', value: 1 });
        break;
      }
      case 'remove': {
        const [product] = resolve(intent.target);
        if (!product) {
          outcomes.push(intent.target.kind === 'named' ? replies.notFound(intent.target.text) : replies.unclearReference);
          break;
        }
        const result = call('remove_from_cart', { product_id: product.id });
        outcomes.push(result.ok ? replies.removed(product.name) : (result.error ?? `${product.name} is not in your cart.`));
        break;
      }
      case 'set_quantity': {
        const [product] = resolve(intent.target);
        if (!product) {
          outcomes.push(intent.target.kind === 'named' ? replies.notFound(intent.target.text) : replies.unclearReference);
          break;
        }
        // No tool sets a quantity: the line is removed (if there) and added again with the new one.
        call('remove_from_cart', { product_id: product.id });
        const result = call('add_to_cart', { product_id: product.id, quantity: quantityArgument(intent.quantity) });
        lastProducts = [product];
        if (result.ok) outcomes.push(replies.quantitySet(product.name, intent.quantity.kind === 'count' ? intent.quantity.value : 0));
        else {
          purchaseFailed = true;
          outcomes.push(result.error ?? `I could not change ${product.name}.`);
        }
        break;
      }
      case 'clear_cart': {
        const items = call('view_cart', {}).cart?.items ?? [];
        for (const item of items) call('remove_from_cart', { product_id: item.product_id });
        outcomes.push(replies.emptied);
        break;
      }
      case 'view_cart':
        outcomes.push(describeCartResult(call('view_cart', {})));
        break;
      case 'checkout': {
        if (intent.implicit && purchaseFailed) {
          outcomes.push(replies.skippedCheckout);
          break;
        }
        const result = call('checkout', {});
        outcomes.push(result.ok ? (result.message ?? 'Your order is placed.') : replies.checkoutFailed(result.error ?? 'unknown error'));
        break;
      }
      case 'price_change':
        outcomes.push(replies.priceChange);
        break;
      case 'help':
        outcomes.push(replies.help);
        break;
    }
  }
  return outcomes.join('\n\n');
}
