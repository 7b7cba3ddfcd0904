import { anyOf } from './patterns.js';
import { readQuantity, readTarget, type Intent, type OrderRef, type Quantity, type Target } from './intents.js';

/** What a shopper says about orders already placed: history, status, cancellation, returns and refunds. */

const orderId = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/;
const listOrders = anyOf(
  /^(?:(?:show|list|see|view|display|check|get|give)\s+(?:me\s+)?)?(?:all\s+)?(?:of\s+)?(?:my|our)\s+(?:past\s+|previous\s+|recent\s+|old\s+)?(?:orders|purchases)\b/,
  /^(?:my\s+)?(?:order|purchase)\s+history\b/,
  /^what (?:did|have) i (?:buy|bought|order|ordered|purchase|purchased)(?:\s+(?:so far|before|from you))?\??$/,
  /^(?:what|which) orders\b/,
);
const latestOrder = anyOf(
  /^what (?:did|have) i (?:buy|bought|order|ordered|purchase|purchased)\s+(?:last time|the last time|most recently|recently|last)\b/,
  /^what was (?:in )?my (?:last|latest|previous) (?:order|purchase)\b/,
  /^(?:show|see|view|check)\s+(?:me\s+)?my (?:last|latest|previous) (?:order|purchase)\b/,
);
const orderStatus = anyOf(
  /\bwhere(?:'s| is| are)\s+(?:my|the)\s+(?:last\s+|latest\s+)?(?:order|package|parcel|stuff|things|delivery)\b/,
  /\bstatus of (?:my |the )?(?:last |latest )?order\b/,
  /\b(?:last |latest )?order'?s? status\b/,
  /\btrack (?:my |the )?(?:last |latest )?(?:order|package)\b/,
  /\bhas my (?:last )?order (?:shipped|arrived|been (?:shipped|delivered))\b/,
  /\bwhen will my (?:order|package) (?:arrive|ship|come)\b/,
);
const cancelVerb = /^cancel\s*(.*)$/;
const returnVerb = /^(?:return|send back|give back)\s+(.*)$/;
const refundVerb =
  /^(?:i want |i'?d like |i would like |can i (?:get|have) |give me |get me )?(?:a |my )?(?:full )?refund(?:ed)?\b\s*(?:me\s+)?(?:for|on|of)?\s*(.*)$/;
const wholeOrder =
  /^(?:it|that|this|them|those|everything|all|all of (?:it|them)|the whole (?:order|thing)|(?:my|the|this|that)\s+(?:last\s+|latest\s+|whole\s+|recent\s+)?(?:order|purchase))$/;
const forProduct = /^(?:my\s+|the\s+)?(?:last\s+|latest\s+)?(?:order|purchase)\s+(?:for|of|with|containing)\s+(.*)$/;
const productOrder = /^(?:my\s+|the\s+)?(.+?)\s+(?:order|purchase)$/;
const fromOrder = /\s+(?:from|in|of)\s+(?:my|the|that)\s+(?:last\s+|latest\s+)?(?:order|purchase)$/;
const money = /\$\s?\d+(?:\.\d+)?|\b\d+(?:\.\d+)?\s*(?:dollars?|bucks|usd)\b/g;

/** "the order for the keychain", "my last order", "it", an id: which order is meant. */
function readOrderRef(text: string): OrderRef | undefined {
  const id = orderId.exec(text);
  if (id) return { kind: 'id', id: id[0] };
  const cleaned = text
    .replace(/^(?:order|purchase)\s*$/, 'my order')
    .replace(/[\s.!?]+$/, '')
    .trim();
  if (cleaned === '' || wholeOrder.test(cleaned)) return { kind: 'latest' };
  const product = forProduct.exec(cleaned) ?? productOrder.exec(cleaned);
  if (product) {
    const target = readTarget(product[1]!);
    return target.kind === 'named' ? { kind: 'product', text: target.text } : { kind: 'latest' };
  }
  return undefined;
}

/** "2 of the 5 balls": the 2 apart from the rest; no quantity means the whole line. */
function readReturnedQuantity(text: string): { quantity?: Quantity; rest: string } {
  const explicit = /^(?:-?\d|(?!a\b|an\b|the\b)[a-z]+[-\s](?:of\s+)?)/.test(text) && readQuantity(text).rest !== text;
  if (!explicit) return { rest: text };
  const { quantity, rest } = readQuantity(text);
  const afterOf = rest.replace(/^of\s+(?:the\s+|my\s+|those\s+|these\s+)?/, '');
  const bought = /^\d+\s+/.exec(afterOf);
  return { quantity, rest: bought ? afterOf.slice(bought[0].length) : afterOf };
}

function returnIntent(object: string): Intent {
  const text = object.replace(money, ' ').replace(/\s+/g, ' ').trim();
  const id = orderId.exec(text);
  const withoutId = (
    id ? text.replace(orderId, '').replace(/\s*\b(?:(?:from|in|of)\s+)?(?:the\s+)?order\s*$/, '') : text
  )
    .replace(fromOrder, '')
    .trim();
  const ref = readOrderRef(withoutId);
  if (ref) return { type: 'return_items', order: id ? { kind: 'id', id: id[0] } : ref };
  const { quantity, rest } = readReturnedQuantity(withoutId);
  const target: Target = readTarget(rest);
  const order: OrderRef = id
    ? { kind: 'id', id: id[0] }
    : target.kind === 'named'
      ? { kind: 'product', text: target.text }
      : { kind: 'latest' };
  return {
    type: 'return_items',
    order,
    ...(target.kind === 'named' ? { target } : {}),
    ...(quantity ? { quantity } : {}),
  };
}

/** The intent of a clause about past orders, or undefined when the clause is about something else. */
export function parseOrderClause(text: string): Intent | undefined {
  if (latestOrder.test(text)) return { type: 'order_status', order: { kind: 'latest' } };
  if (listOrders.test(text)) return { type: 'list_orders' };
  if (orderStatus.test(text))
    return { type: 'order_status', order: orderId.test(text) ? readOrderRef(text)! : { kind: 'latest' } };
  const cancel = cancelVerb.exec(text);
  if (cancel) {
    const target = readTarget(cancel[1]!);
    return {
      type: 'cancel_order',
      order:
        readOrderRef(cancel[1]!) ??
        (target.kind === 'named' ? { kind: 'product', text: target.text } : { kind: 'latest' }),
    };
  }
  const returning = returnVerb.exec(text);
  if (returning) return returnIntent(returning[1]!);
  const refund = refundVerb.exec(text);
  if (refund) return returnIntent(refund[1]!);
  if (orderId.test(text)) return { type: 'order_status', order: readOrderRef(text)! };
  return undefined;
}
