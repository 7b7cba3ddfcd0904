import type { ChatReply, ShopClient } from '@ecomm/cluster';
import type { EvalCase } from './dataset-schema.js';
import type { CaseObservation, ShopperState, TurnRecord } from './observation.js';
import { fulfil, registerShopper, seedCatalog, type Shopper } from './shop-client.js';

function turnRecord(outcome: ChatReply): Omit<TurnRecord, 'user' | 'message'> {
  const latency_ms = Math.round(outcome.latencyMs);
  const { body } = outcome;
  if (outcome.status === 200) {
    return {
      status: 200,
      response: body.response,
      steps: body.steps,
      model: body.usage.model,
      model_calls: body.usage.model_calls,
      latency_ms,
    };
  }
  const error = body as { message?: string; error?: string };
  const response = error.message ?? error.error ?? '';
  return { status: outcome.status, response, steps: [], model: null, model_calls: 0, latency_ms };
}

/**
 * Runs one case from a clean start: the fixture catalog, a new account per user alias and a new session each.
 * Sends the turns over HTTP with each user's token, then reads back what the services hold.
 */
export async function observeCase(shop: ShopClient, evalCase: EvalCase): Promise<CaseObservation> {
  const products = await seedCatalog(shop);
  const productNames = new Map([...products.values()].map((product) => [product.id, product.name]));
  const nameOf = (productId: number) => productNames.get(productId) ?? `product #${productId}`;

  const shoppers = new Map<string, Shopper>();
  for (const alias of Object.keys(evalCase.expect.shoppers)) shoppers.set(alias, await registerShopper(shop));

  const turns: TurnRecord[] = [];
  for (const turn of evalCase.turns) {
    const sender = shoppers.get(turn.user)!;
    const session = shoppers.get(turn.session_of ?? turn.user)!.sessionId;
    if (turn.fulfil) await fulfil(shop, sender.userId, turn.fulfil);
    const outcome = await shop.chat(sender.token, session, turn.message);
    turns.push({
      user: turn.user,
      ...(turn.session_of ? { session_of: turn.session_of } : {}),
      message: turn.message,
      ...turnRecord(outcome),
    });
  }

  const states: Record<string, ShopperState> = {};
  for (const [alias, shopper] of shoppers) {
    // Both services list newest first; the expectations are in order of creation.
    const orders = (await shop.ordersOf(shopper.userId)).reverse();
    const payments = [];
    for (const order of orders) payments.push(...(await shop.paymentsFor(order.order_id)).reverse());
    states[alias] = {
      orders: orders.map((order) => ({
        order_id: order.order_id,
        status: order.status,
        total: order.total,
        transaction_id: order.transaction_id,
        items: order.lines.map((line) => ({ product: nameOf(line.product_id), quantity: line.quantity })),
        returned: order.lines
          .filter((line) => line.returned_quantity > 0)
          .map((line) => ({ product: nameOf(line.product_id), quantity: line.returned_quantity })),
      })),
      payments: payments.map(({ order_id, transaction_id, amount, refunded_amount, status }) => ({
        order_id,
        transaction_id,
        amount,
        refunded: refunded_amount,
        status,
      })),
      // A session that was never used has no cart: that is an empty one.
      cart: ((await shop.cart(shopper.sessionId))?.items ?? []).map((item) => ({
        product: nameOf(item.product_id),
        quantity: item.quantity,
      })),
    };
  }

  const stock: CaseObservation['stock'] = {};
  for (const [name, product] of products) {
    stock[name] = { before: product.stock, after: (await shop.product(product.id)).stock };
  }
  return { turns, shoppers: states, stock };
}
