import { readQuantity, readTarget, type Intent } from './intents.js';

const politePrefix =
  /^(?:(?:please|pls|can you|could you|would you|will you|kindly|i'?d like to|i would like to|i want to|i wanna|let'?s|let me|now|ok(?:ay)?|so|and|also|then|just|finally|next|actually|oh|wait|hmm|sorry|um|well)\b[\s,]*)+/;
const priceChange =
  /\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|prompt|policy|policies)\b|\b(?:sell|give|let me have|charge me)\b.{0,60}\bfor\s+(?:only\s+|just\s+)?\$?\d|\bprice\b.{0,30}\b(?:to|of|at)\s+\$?\d|\$\s?\d+(?:\.\d+)?\s+instead\b|\bfor\s+(?:only\s+|just\s+)?\$\s?\d|\bdiscount\b|\bfor free\b/;
const checkoutVerb =
  /^(?:check\s*-?\s*out|checkout|pay(?:\s+now)?|place (?:the |my )?order|complete (?:the |my )?(?:order|purchase)|proceed to (?:the )?(?:checkout|payment)|finish (?:my |the )?(?:order|purchase))\b/;
const viewCart = /^(?:view|show|see|display|check|open|what'?s in|what is in|list|look at)\b.*\b(?:cart|basket)\b|^(?:my )?(?:cart|basket)\b/;
const clearCart = /^(?:empty|clear)\s+(?:out\s+)?(?:my |the )?(?:cart|basket)\b|^(?:remove|delete) (?:everything|all(?: items| products)?)(?:\s+(?:from|in) (?:my |the )?(?:cart|basket))?$/;
const setQuantity =
  /^(?:make (?:it|that|them|those)|change (?:it|that|the quantity)(?: to)?|set (?:it|that|the quantity)(?: to)?|update (?:it|that)(?: to)?|i meant)\s+(.*)$/;
const removeVerb = /^(?:remove|delete|take out|take away|drop|get rid of|discard)\s+(.*)$/;
const addVerb = /^(?:add|put|throw|include)\s+(.*)$/;
const buyVerb =
  /^(?:buy|purchase|order|get me|get|grab|i'?ll take|i'?ll have|i want|i need|i'?d like|i would like|give me|take)\s+(.*)$/;
const browseVerb =
  /^(?:show|find|search|look|list|browse|display|see|do you (?:have|sell|carry)|what|which|any|i'?m looking for|looking for)\b(.*)$/;
const greeting = /^(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|help|yes|no|ok)\b/;
const everything = /\b(?:one of everything|one of each(?: product)?|everything|all (?:the |your )?products|every product|one of every (?:thing|product))\b/;
const cheapest = /\b(?:the\s+)?(?:cheapest|least expensive|lowest[- ]priced|most affordable)\b/;
const mostExpensive = /\b(?:the\s+)?(?:most expensive|priciest|highest[- ]priced)\b\s*(.*)$/;
const browseNoise =
  /\b(?:me|for|all|some|any|your|you|have|do|what|which|kinds?|of|available|in stock|products?|items?|things|stuff|the|a|an|please|is|are|there|sell|catalog|list|options)\b/g;

function cleanQuery(text: string) {
  return text.replace(browseNoise, ' ').replace(/[?.!,]/g, ' ').replace(/\s+/g, ' ').trim();
}

function purchase(rest: string, buy: boolean): Intent {
  const everythingMatch = everything.exec(rest);
  if (everythingMatch) return { type: 'everything', buy };
  const { quantity, rest: afterQuantity } = readQuantity(rest);
  if (cheapest.test(afterQuantity)) return { type: 'cheapest', query: cleanQuery(afterQuantity.replace(cheapest, ' ')), quantity, buy, add: true };
  return { type: 'add', target: readTarget(afterQuantity), quantity, buy };
}

/** One clause: a verb and what it applies to. Items joined by "and" after one verb become several intents. */
function parseClause(clause: string, previousVerb: 'buy' | 'add' | undefined): { intents: Intent[]; verb?: 'buy' | 'add' } {
  const text = clause.replace(politePrefix, '').trim();
  if (!text) return { intents: [] };
  if (checkoutVerb.test(text)) return { intents: [{ type: 'checkout' }] };
  if (clearCart.test(text)) return { intents: [{ type: 'clear_cart' }] };
  if (viewCart.test(text) && !addVerb.test(text) && !removeVerb.test(text)) return { intents: [{ type: 'view_cart' }] };
  const correction = setQuantity.exec(text);
  if (correction) {
    const { quantity, rest } = readQuantity(correction[1]!);
    return { intents: [{ type: 'set_quantity', target: readTarget(rest), quantity }] };
  }
  const removal = removeVerb.exec(text);
  if (removal) return { intents: [{ type: 'remove', target: readTarget(removal[1]!) }] };
  const adding = addVerb.exec(text);
  if (adding) return { intents: [purchase(adding[1]!, false)], verb: 'add' };
  const buying = buyVerb.exec(text);
  if (buying) return { intents: [purchase(buying[1]!, true)], verb: 'buy' };
  const browsing = browseVerb.exec(text);
  if (browsing) {
    if (cheapest.test(browsing[1]!)) {
      const query = cleanQuery(browsing[1]!.replace(cheapest, ' '));
      return { intents: [{ type: 'cheapest', query, quantity: { kind: 'count', value: 1 }, buy: false, add: false }] };
    }
    const priciest = mostExpensive.exec(browsing[1]!);
    if (priciest) return { intents: [{ type: 'browse', query: cleanQuery(priciest[1]!), sort: 'price_desc' }] };
    return { intents: [{ type: 'browse', query: cleanQuery(browsing[1]!) }] };
  }
  if (previousVerb) return { intents: [purchase(text, previousVerb === 'buy')], verb: previousVerb };
  if (greeting.test(text)) return { intents: [{ type: 'help' }] };
  return { intents: [{ type: 'browse', query: cleanQuery(text) }] };
}

/** Reads a whole message: several sentences, "then", and lists joined by "and" or commas. */
export function parseMessage(message: string): Intent[] {
  const text = message.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
  if (priceChange.test(text)) return [{ type: 'price_change' }];
  const clauses = text
    .split(/(?<=[.!?;])\s+|\s*,?\s*\b(?:and then|then|after that|afterwards)\b\s*,?\s*/)
    .flatMap((sentence) => sentence.split(/\s*(?:,|&|\band\b|\bplus\b)\s*/))
    .map((part) => part.replace(/[.!?;]+$/, '').trim())
    .filter(Boolean);
  const intents: Intent[] = [];
  let verb: 'buy' | 'add' | undefined;
  for (const clause of clauses) {
    const parsed = parseClause(clause, verb);
    intents.push(...parsed.intents);
    verb = parsed.verb ?? (parsed.intents.length > 0 ? undefined : verb);
  }
  // A purchase checks out once, after everything else the message asks (a correction such as "make it 3" included).
  const lastBuy = intents.findLastIndex((intent) => 'buy' in intent && intent.buy);
  const checkoutAfter = intents.findIndex((intent, index) => intent.type === 'checkout' && index > lastBuy);
  if (lastBuy >= 0 && checkoutAfter < 0) intents.push({ type: 'checkout', implicit: true });
  return intents.length > 0 ? intents : [{ type: 'help' }];
}
