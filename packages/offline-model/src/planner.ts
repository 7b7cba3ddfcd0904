import type { ExecutedCall, ProductSummary, ToolResult } from './conversation.js';
import type { Intent, Quantity, Target } from './intents.js';
import { orderSteps } from './order-steps.js';
import { pickOne, productsNamed } from './product-matching.js';
import { describeCartResult, replies } from './replies.js';

/** The next tool the plan needs, with its arguments. */
export class NeedsCall {
  constructor(
    readonly name: string,
    readonly args: Record<string, unknown>,
  ) {}
}

/** Ends the plan early with a question for the shopper, changing nothing more. */
class Ask {
  constructor(readonly question: string) {}
}

const maximumProductsPerMessage = 10;

/**
 * Replays a message's plan against the tool calls already made this turn. Returns the reply when the plan is
 * finished, or throws NeedsCall with the next call: one model step at a time, as a tool-calling LLM works.
 */
export function runPlan(
  intents: Intent[],
  executed: ExecutedCall[],
  mentioned: ProductSummary[],
  choice?: string,
): string {
  return execute(intents, executed, mentioned, choice).reply;
}

/** Where a finished plan stopped to ask "which one?", if it did. */
export function askedAt(intents: Intent[], executed: ExecutedCall[], mentioned: ProductSummary[]): number | undefined {
  try {
    return execute(intents, executed, mentioned).askedAt;
  } catch (error) {
    if (error instanceof NeedsCall) return undefined;
    throw error;
  }
}

function execute(intents: Intent[], executed: ExecutedCall[], mentioned: ProductSummary[], choice?: string) {
  let cursor = 0;
  const call = (name: string, args: Record<string, unknown>): ToolResult => {
    const next = executed[cursor];
    if (!next) throw new NeedsCall(name, args);
    cursor++;
    return next.result;
  };
  const outcomes: string[] = [];
  const orders = orderSteps(call, (reply) => outcomes.push(reply));
  /** Several products fit: the shopper's answer to "which one?" picks one, otherwise the shopper is asked. */
  const chooseOrAsk = (products: ProductSummary[], question: string) => {
    const picked = choice === undefined ? undefined : pickOne(choice, products);
    if (picked) return picked;
    throw new Ask(question);
  };
  let lastProducts = mentioned;
  let purchaseFailed = false;
  const quantityArgument = (quantity: Quantity) => (quantity.kind === 'count' ? quantity.value : quantity.text);
  const fail = (reply: string) => {
    purchaseFailed = true;
    outcomes.push(reply);
  };

  function find(query: string, extra: Record<string, unknown> = {}) {
    return call('search_products', { query, limit: 10, ...extra }).products ?? [];
  }

  /** The one product a target means, or a reply saying why there is none; several candidates → ask which. */
  function resolve(target: Target): ProductSummary[] | string {
    if (target.kind === 'pronoun') {
      if (target.plural) return lastProducts.length > 0 ? lastProducts : replies.unclearReference;
      if (lastProducts.length > 1) return [chooseOrAsk(lastProducts, replies.ambiguous('it', lastProducts))];
      return lastProducts.length === 1 ? lastProducts : replies.unclearReference;
    }
    const found = find(target.text, target.maxPrice === undefined ? {} : { max_price: target.maxPrice });
    const named = productsNamed(target.text, found);
    if (named.length > 1) return [chooseOrAsk(named, replies.ambiguous(target.text, named))];
    if (named.length === 0)
      return target.maxPrice === undefined
        ? replies.notFound(target.text)
        : replies.underLimit(target.text, target.maxPrice);
    return named;
  }

  function add(product: ProductSummary, quantity: Quantity) {
    const result = call('add_to_cart', { product_id: product.id, quantity: quantityArgument(quantity) });
    lastProducts = [product];
    if (result.ok) outcomes.push(result.message ?? `Added ${product.name}.`);
    else fail(result.error ?? `I could not add ${product.name}.`);
  }

  function setQuantity(product: ProductSummary, quantity: Quantity | number) {
    const value = typeof quantity === 'number' ? quantity : quantityArgument(quantity);
    const result = call('update_cart_quantity', { product_id: product.id, quantity: value });
    lastProducts = [product];
    if (result.ok) outcomes.push(replies.quantitySet(product.name, Number(value)));
    else fail(result.error ?? `I could not change ${product.name}.`);
  }

  function perform(intent: Intent) {
    switch (intent.type) {
      case 'browse': {
        const products = find(intent.query, {
          ...(intent.sort ? { sort: intent.sort } : {}),
          ...(intent.maxPrice === undefined ? {} : { max_price: intent.maxPrice }),
        });
        const named = intent.query ? productsNamed(intent.query, products) : [];
        if (products.length > 0) lastProducts = named.length > 0 ? named : products;
        outcomes.push(products.length > 0 ? replies.found(intent.query, products) : replies.nothingFound(intent.query));
        return;
      }
      case 'describe_last':
        outcomes.push(lastProducts.length > 0 ? replies.found('', lastProducts) : replies.unclearReference);
        return;
      case 'add': {
        const products = resolve(intent.target);
        if (typeof products === 'string') return fail(products);
        for (const product of products) add(product, intent.quantity);
        return;
      }
      case 'cheapest': {
        const found = find(intent.query, { sort: 'price_asc' });
        const products = intent.query ? productsNamed(intent.query, found) : found;
        const lowest = products[0];
        if (!lowest) return fail(replies.notFound(intent.query));
        const tied = products.filter((product) => product.price === lowest.price);
        lastProducts = tied;
        const chosen = tied.length > 1 ? chooseOrAsk(tied, replies.tie(intent.query, tied)) : lowest;
        lastProducts = [chosen];
        if (intent.add) add(chosen, intent.quantity);
        else outcomes.push(replies.cheapest(chosen));
        return;
      }
      case 'everything': {
        const inStock = find('', { limit: 100 }).filter((product) => product.stock > 0);
        if (inStock.length === 0) fail(replies.nothingFound(''));
        for (const product of inStock) add(product, { kind: 'count', value: 1 });
        return;
      }
      case 'remove': {
        const products = resolve(intent.target);
        if (typeof products === 'string') return void outcomes.push(products);
        const [product] = products as [ProductSummary];
        if (intent.quantity?.kind === 'count') {
          const inCart =
            call('view_cart', {}).cart?.items.find((item) => item.product_id === product.id)?.quantity ?? 0;
          if (inCart > intent.quantity.value) return setQuantity(product, inCart - intent.quantity.value);
        }
        const result = call('remove_from_cart', { product_id: product.id });
        outcomes.push(
          result.ok ? replies.removed(product.name) : (result.error ?? `${product.name} is not in your cart.`),
        );
        return;
      }
      case 'set_quantity': {
        const products = resolve(intent.target);
        if (typeof products === 'string') return fail(products);
        return setQuantity(products[0]!, intent.quantity);
      }
      case 'clear_cart': {
        const items = call('view_cart', {}).cart?.items ?? [];
        for (const item of items) call('remove_from_cart', { product_id: item.product_id });
        outcomes.push(replies.emptied);
        return;
      }
      case 'view_cart':
        outcomes.push(describeCartResult(call('view_cart', {})));
        return;
      case 'checkout': {
        // After a refusal in the same message, paying would buy something other than what was asked.
        if (purchaseFailed) return void outcomes.push(replies.skippedCheckout);
        const result = call('checkout', {});
        outcomes.push(
          result.ok
            ? (result.message ?? 'Your order is placed.')
            : replies.checkoutFailed(result.error ?? 'unknown error'),
        );
        return;
      }
      case 'price_change':
        outcomes.push(replies.priceChange);
        return;
      case 'help':
        outcomes.push(replies.help);
        return;
      case 'list_orders':
        return orders.list();
      case 'order_status':
        return orders.status(intent.order);
      case 'cancel_order':
        return orders.cancel(intent.order);
      case 'return_items':
        return orders.return(intent.order, intent.target, intent.quantity);
      case 'answer':
        outcomes.push(intent.yes ? replies.nothingToConfirm : replies.nothingChanged);
        return;
      case 'choose':
        outcomes.push(replies.unclearReference);
        return;
    }
  }

  const purchases = intents.filter((intent) => intent.type === 'add' || intent.type === 'set_quantity').length;
  if (purchases > maximumProductsPerMessage) return { reply: replies.tooMany(maximumProductsPerMessage) };
  let index = 0;
  try {
    for (; index < intents.length; index++) perform(intents[index]!);
  } catch (error) {
    if (!(error instanceof Ask)) throw error;
    outcomes.push(error.question);
    return { reply: outcomes.join('\n\n'), askedAt: index };
  }
  return { reply: outcomes.join('\n\n') };
}
