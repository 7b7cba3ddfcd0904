import { anyOf } from './patterns.js';
import { fillerAnywhere, readPriceLimit, readQuantity, readTarget, type Intent } from './intents.js';
import { parseOrderClause } from './order-phrases.js';

const politePrefix =
  /^(?:(?:please|pls|can you|could you|would you|will you|kindly|i'?d like to|i would like to|i want to|i wanna|let'?s|let me|now|ok(?:ay)?|so|and|also|then|just|finally|next|actually|oh|wait|hmm|sorry|um|well|i(?:'ve| have)? changed my mind|on second thoughts?)\b[\s,]*)+/;
const priceChange = new RegExp(
  [
    String.raw`\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|prompt|policy|policies)\b`,
    String.raw`\b(?:sell|give|let me have|charge me)\b.{0,60}\bfor\s+(?:only\s+|just\s+)?\$?\d`,
    String.raw`\bprice\b.{0,30}\b(?:to|of|at)\s+\$?\d`,
    String.raw`\$\s?\d+(?:\.\d+)?\s+instead\b`,
    String.raw`\bfor\s+(?:only\s+|just\s+)?\$\s?\d`,
    String.raw`\bfor\s+(?:only\s+|just\s+)?\d+(?:\.\d+)?\s*(?:dollars?|bucks|usd)\b`,
    String.raw`\bpay\s+(?:only\s+|just\s+)?\$\s?\d`,
    String.raw`\bdiscount\b|\bfor free\b`,
  ].join('|'),
);
// "check out" alone, or followed by words about the cart or the moment; "check out the new rackets" is browsing.
const checkoutVerb =
  /^(?:check\s*-?\s*out|checkout|pay(?: for)?|place (?:the |my )?order|complete (?:the |my )?(?:order|purchase)|proceed to (?:the )?(?:checkout|payment)|finish (?:my |the )?(?:order|purchase))(?:\s+(?:my cart|the cart|my basket|my order|the order|everything|it all|now|please|again|right now|the purchase|what'?s in my cart|everything in my cart))*$/;
const buyTheCart = anyOf(
  /^(?:buy|purchase|order|get)\s+(?:everything|all|what'?s|what is)\s+(?:that'?s\s+|is\s+)?in\s+(?:my|the)\s+(?:cart|basket)$/,
  /^(?:buy|purchase)\s+(?:my|the)\s+(?:cart|basket)$/,
);
const lookVerb = /^(?:check\s*-?\s*out|look at|see)\s+(.*)$/;
const viewCart = anyOf(
  /^(?:view|show|see|display|check|open|what'?s in|what is in|list|look at)\b.*\b(?:cart|basket)\b/,
  /^(?:my )?(?:cart|basket)\b/,
  /^(?:what'?s|what is) (?:the |my )?total\b/,
);
const clearCart = anyOf(
  /^(?:empty|clear)\s+(?:out\s+)?(?:my |the )?(?:cart|basket)\b/,
  /^(?:remove|delete) (?:everything|all(?: items| products)?)(?:\s+(?:from|in) (?:my |the )?(?:cart|basket))?$/,
);
const setQuantity =
  /^(?:make (?:it|that|them|those)|change (?:it|that|the quantity)(?: to)?|set (?:it|that|the quantity)(?: to)?|update (?:it|that)(?: to)?|i meant)\s+(.*)$/;
const removeVerb = /^(?:remove|delete|take out|take away|drop|get rid of|discard)\s+(.*)$/;
const addVerb = /^(?:add|put|throw|include)\s+(.*)$/;
const buyVerb =
  /^(?:buy|purchase|order|get me|get|grab|i'?ll take|i'?ll have|i want|i need|i'?d like|i would like|give me|take)\s+(.*)$/;
// After a buying verb, these ask for information, not for the product: "get me the price of the macbook".
const informationWanted =
  /^(?:to know |to see |to find out |to check |)(?:the |a |some |more )?(?:price|prices|cost|info|information|details?|list|look|help|idea|advice|recommendations?|specs?|options|overview|description)\b(?:\s+(?:of|on|about|for|with|at|choosing|picking))?\s*(.*)$/;
const howMuch = /^how much (?:is|are|does|do|for|would)\s+(.*?)(?:\s+cost)?$/;
// Not a purchase yet: a deferral, or a question ("I'd like the macbook, how much is it?").
const deferred = /\b(?:but )?not (?:now|yet|today)\b|\blater\b|\btomorrow\b|\bnext (?:week|month)\b|\?|\bhow much\b/g;
// "Can you get me five golf balls?" is a request, not a question.
const politeRequest = /^(?:please\s+)?(?:can|could|would|will) you\b|^(?:may|can) i (?:have|get)\b/;
const browseVerb =
  /^(?:show|find|search|look|list|browse|display|see|do you (?:have|sell|carry)|what|which|any|tell me about|i'?m looking for|looking for)\b(.*)$/;
const greeting = /^(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|help)\b/;
const yes = /^(?:yes|y|yeah|yep|yup|sure|ok(?:ay)?|confirm(?:ed)?|go ahead|do it|please do)(?:\s+please)?$/;
const no = /^(?:no|nope|nah|n|don'?t|do not|never ?mind|keep (?:it|them|the order|my order)|leave it|forget it)\b/;
// "The tennis one", "the second one": an answer to the agent's "Which one?".
const choice = /^(?:the\s+)?(.+?)\s+ones?$/;
// Only as the whole object of a verb: "buy one of everything", not "everything in my cart".
const everything =
  /^(?:one of )?(?:everything|each(?: product)?|every(?: ?thing| product)|all (?:the |your )?products)(?:\s+(?:in stock|you have|you sell|(?:in|from) (?:the|your) (?:store|shop|catalog)))*$/;
const cheapest = /\b(?:the\s+)?(?:cheapest|least expensive|lowest[- ]priced|most affordable)\b/;
const mostExpensive = /\b(?:the\s+)?(?:most expensive|priciest|highest[- ]priced)\b\s*(.*)$/;
const browseNoise =
  /\b(?:me|for|thing|one|store|shop|all|some|any|your|you|have|do|what|which|kinds?|of|available|in stock|products?|items?|things|stuff|the|a|an|please|is|are|there|sell|catalog|list|options|about|it|cost|costs)\b/g;
// A clause inherits the previous verb ("buy a racket and two balls") only if it is itself an item.
const notAnItem =
  /\?|^(?:not|no|how|what|why|when|where|which|who|tell|is|are|does|do|can|could|should|but|or|without|except)\b/;

function cleanQuery(text: string) {
  return text
    .replace(browseNoise, ' ')
    .replace(/[?.!,]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function browse(text: string, sort?: 'price_asc' | 'price_desc'): Intent {
  const { text: words, maxPrice } = readPriceLimit(text);
  return {
    type: 'browse',
    query: cleanQuery(words),
    ...(sort ? { sort } : {}),
    ...(maxPrice !== undefined ? { maxPrice } : {}),
  };
}

function purchase(rest: string, buy: boolean): Intent {
  const object = rest
    .replace(/^(?:the|some)\s+/, '')
    .replace(/\s*\b(?:for me|please)\b/g, '')
    .replace(/[\s.!]+$/, '');
  if (everything.test(object)) return { type: 'everything', buy };
  const { quantity, rest: afterQuantity } = readQuantity(rest);
  if (cheapest.test(afterQuantity)) {
    return {
      type: 'cheapest',
      query: cleanQuery(afterQuantity.replace(fillerAnywhere, ' ').replace(cheapest, ' ')),
      quantity,
      buy,
      add: true,
    };
  }
  return { type: 'add', target: readTarget(afterQuantity), quantity, buy };
}

/** One clause: a verb and what it applies to. Items joined by "and" after one verb become several intents. */
function parseClause(
  clause: string,
  previousVerb: 'buy' | 'add' | undefined,
  deferring: boolean,
): { intents: Intent[]; verb?: 'buy' | 'add' } {
  const text = clause.replace(politePrefix, '').trim();
  if (!text) return { intents: [] };
  const aboutOrders = parseOrderClause(text);
  if (aboutOrders) return { intents: [aboutOrders] };
  if (yes.test(text)) return { intents: [{ type: 'answer', yes: true }] };
  if (no.test(text)) return { intents: [{ type: 'answer', yes: false }] };
  if (buyTheCart.test(text) || checkoutVerb.test(text)) return { intents: [{ type: 'checkout' }] };
  if (clearCart.test(text)) return { intents: [{ type: 'clear_cart' }] };
  if (viewCart.test(text) && !addVerb.test(text) && !removeVerb.test(text)) return { intents: [{ type: 'view_cart' }] };
  const looking = lookVerb.exec(text);
  if (looking) return { intents: [browse(looking[1]!)] };
  const price = howMuch.exec(text);
  if (price)
    return { intents: [readTarget(price[1]!).kind === 'pronoun' ? { type: 'describe_last' } : browse(price[1]!)] };
  if (/^(?:pay|check\s*-?\s*out|checkout)\b/.test(text)) return { intents: [{ type: 'help' }] };
  const correction = setQuantity.exec(text);
  if (correction) {
    const { quantity, rest } = readQuantity(correction[1]!);
    return { intents: [{ type: 'set_quantity', target: readTarget(rest), quantity }] };
  }
  const removal = removeVerb.exec(text);
  if (removal) {
    const explicit =
      /^(?:-?\d|(?!a\b|an\b)[a-z]+[-\s](?:of\s+)?)/.test(removal[1]!) &&
      readQuantity(removal[1]!).rest !== removal[1]!.trim();
    if (!explicit) return { intents: [{ type: 'remove', target: readTarget(removal[1]!) }] };
    const { quantity, rest } = readQuantity(removal[1]!);
    return { intents: [{ type: 'remove', target: readTarget(rest), quantity }] };
  }
  const adding = addVerb.exec(text);
  if (adding) return { intents: [purchase(adding[1]!, false)], verb: 'add' };
  const buying = buyVerb.exec(text);
  if (buying) {
    const information = informationWanted.exec(buying[1]!);
    if (information) return { intents: [browse(information[1]!)] };
    if (deferring) return { intents: [browse(buying[1]!.replace(deferred, ' ').replace(/\bbut\b/g, ' '))] };
    return { intents: [purchase(buying[1]!, true)], verb: 'buy' };
  }
  const browsing = browseVerb.exec(text);
  if (browsing) {
    if (cheapest.test(browsing[1]!)) {
      const query = cleanQuery(browsing[1]!.replace(cheapest, ' '));
      return { intents: [{ type: 'cheapest', query, quantity: { kind: 'count', value: 1 }, buy: false, add: false }] };
    }
    const priciest = mostExpensive.exec(browsing[1]!);
    if (priciest) return { intents: [browse(priciest[1]!, 'price_desc')] };
    return { intents: [browse(browsing[1]!)] };
  }
  if (previousVerb && !notAnItem.test(text))
    return { intents: [purchase(text, previousVerb === 'buy')], verb: previousVerb };
  if (notAnItem.test(text) && /^(?:not|no|but|or|without|except)\b/.test(text)) return { intents: [] };
  if (greeting.test(text)) return { intents: [{ type: 'help' }] };
  const chosen = choice.exec(text);
  if (chosen && !/^(?:which|what|any|the)$/.test(chosen[1]!))
    return { intents: [{ type: 'choose', text: chosen[1]! }] };
  return { intents: [browse(text)] };
}

/** Reads a whole message: several sentences, "then", and lists joined by "and" or commas. */
export function parseMessage(message: string): Intent[] {
  const text = message
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/(\d),(\d{3})\b/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
  if (priceChange.test(text)) return [{ type: 'price_change' }];
  const deferring = politeRequest.test(text)
    ? /\bhow much\b|\bnot (?:now|yet)\b|\blater\b/.test(text)
    : new RegExp(deferred.source).test(text);
  const clauses = text
    .split(/(?<=[.!?;])\s+|\s*,?\s*\b(?:and then|then|after that|afterwards)\b\s*,?\s*/)
    .flatMap((sentence) => sentence.split(/\s*(?:,|&|\band\b|\bplus\b)\s*/))
    .map((part) => part.replace(/[.!;]+$/, '').trim())
    .filter(Boolean);
  const intents: Intent[] = [];
  let verb: 'buy' | 'add' | undefined;
  for (const clause of clauses) {
    const parsed = parseClause(clause, verb, deferring);
    intents.push(...parsed.intents);
    verb = parsed.verb ?? (parsed.intents.length > 0 ? undefined : verb);
  }
  // A purchase checks out once, after everything else the message asks (a correction such as "make it 3" included).
  const lastBuy = intents.findLastIndex((intent) => 'buy' in intent && intent.buy);
  const checkoutAfter = intents.findIndex((intent, index) => intent.type === 'checkout' && index > lastBuy);
  if (lastBuy >= 0 && checkoutAfter < 0) intents.push({ type: 'checkout', implicit: true });
  const answers = intents.filter((intent) => intent.type === 'answer');
  if (answers.length > 0 && answers.length === intents.length) return [answers[0]!];
  return intents.length > 0 ? intents : [{ type: 'help' }];
}
