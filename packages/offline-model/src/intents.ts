import { anyOf } from './patterns.js';
/** What a shopper's message asks for, in order. The offline planner turns these into tool calls. */
export type Quantity = { kind: 'count'; value: number } | { kind: 'invalid'; text: string };

/** A product named in words (optionally "under $N"), or "it" / "them" for what the conversation last found. */
export type Target = { kind: 'named'; text: string; maxPrice?: number } | { kind: 'pronoun'; plural: boolean };

/** Which of the shopper's orders: the newest, one by id, or the newest holding a product named in words. */
export type OrderRef = { kind: 'latest' } | { kind: 'id'; id: string } | { kind: 'product'; text: string };

export type Intent =
  | { type: 'browse'; query: string; sort?: 'price_asc' | 'price_desc'; maxPrice?: number }
  | { type: 'add'; target: Target; quantity: Quantity; buy: boolean }
  | { type: 'cheapest'; query: string; quantity: Quantity; buy: boolean; add: boolean }
  | { type: 'everything'; buy: boolean }
  /** Without a quantity the whole line goes; with one, that many. */
  | { type: 'remove'; target: Target; quantity?: Quantity }
  /** "Make it 3": the line's quantity becomes this. */
  | { type: 'set_quantity'; target: Target; quantity: Quantity }
  | { type: 'clear_cart' }
  | { type: 'view_cart' }
  /** `implicit`: added after a "buy". Any checkout is skipped when a purchase in the same message failed. */
  | { type: 'checkout'; implicit?: boolean }
  /** "How much is it?": what the conversation last found, again. */
  | { type: 'describe_last' }
  | { type: 'price_change' }
  | { type: 'help' }
  /** "Show my orders", "what did I buy?": newest first. */
  | { type: 'list_orders' }
  | { type: 'order_status'; order: OrderRef }
  | { type: 'cancel_order'; order: OrderRef }
  /** Without a target, every line still returnable; without a quantity, all of the line's units. */
  | { type: 'return_items'; order: OrderRef; target?: Target; quantity?: Quantity }
  /** A plain yes or no with nothing waiting for it. */
  | { type: 'answer'; yes: boolean }
  /** "The tennis one": picks among the products the agent's last question listed. */
  | { type: 'choose'; text: string };

const units: Record<string, number> = {
  zero: 0,
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const tens: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

const phraseQuantities: [RegExp, number][] = [
  [/^(?:a\s+)?couple(?:\s+of)?\b/, 2],
  [/^(?:a\s+)?pair\s+of\b/, 2],
  [/^a\s+few\b/, 3],
  [/^half\s+a\s+dozen\b/, 6],
  [/^a\s+dozen\b/, 12],
];
/** Amounts that are not numbers: the shopper is asked for one rather than guessed at. */
const vagueAmount = /^(several|many|lots of|a lot of|a bunch of|some more|a few more|loads of|plenty of)\b/;

const unitWords = /^(?:units?|pieces?|pcs|items?|copies|of them)\b\s*(?:of\s+)?/;
const leadingFiller = /^(?:(?:the|some|my|me|us|please|also|just|another|more|of)\b\s*)+/;
const trailingFiller =
  /\s*\b(?:(?:to|in|into|from|out of)\s+(?:my|the)\s+(?:cart|basket)|for me|please|now|right away|as well|too|again|each|thanks?(?: you)?)\s*$/;
const priceLimit =
  /\s*,?\s*\b(?:if (?:it'?s|it is|they'?re|they are)\s+)?(?:under|below|less than|cheaper than|at most|max(?:imum)?|up to)\s+\$?\s?(\d+(?:\.\d+)?)\s*(?:dollars?|bucks|usd)?\b/;

// Never part of a product's name, wherever they stand: "2 units of tennis balls for me in the store please".
export const fillerAnywhere = anyOf(
  /\b(?:units?|pieces?|pcs|items?)\b(?:\s+of\b)?/g,
  /\b(?:in|from|at) (?:the|your|this) (?:store|shop|catalog(?:ue)?)\b/g,
  /\b(?:that |which )?you (?:have|sell|carry|got)\b/g,
  /\bfor me\b/g,
  /\bplease\b/g,
);

function stripTrailing(text: string) {
  let previous;
  let current = text.trim();
  do {
    previous = current;
    current = current
      .replace(trailingFiller, '')
      .replace(/[\s.,!?]+$/, '')
      .trim();
  } while (current !== previous);
  return current;
}

function wordNumber(text: string): { value: number; length: number } | undefined {
  const match = /^([a-z]+)(?:[-\s]([a-z]+))?/.exec(text);
  if (!match) return undefined;
  const [whole, first, second] = match as unknown as [string, string, string | undefined];
  if (tens[first] !== undefined && second && units[second] !== undefined && units[second]! < 10 && units[second]! > 0) {
    return { value: tens[first]! + units[second]!, length: whole.length };
  }
  const value = tens[first] ?? units[first];
  return value === undefined ? undefined : { value, length: first.length };
}

/** Splits "2 MacBook Pros" into a quantity and the rest; a missing quantity means one. */
export function readQuantity(text: string): { quantity: Quantity; rest: string } {
  const trimmed = text.trim().toLowerCase();
  const numeric = /^(-?\d+(?:\.\d+)?)\s*(?:x\b|×)?\s*/.exec(trimmed);
  const scaled = (value: number, rest: string) => {
    const dozens = /^dozens?\b\s*(?:of\s+)?/.exec(rest);
    return dozens ? { value: value * 12, rest: rest.slice(dozens[0].length) } : { value, rest };
  };
  if (numeric) {
    const { value, rest } = scaled(Number(numeric[1]), trimmed.slice(numeric[0].length));
    return {
      quantity: Number.isInteger(value) ? { kind: 'count', value } : { kind: 'invalid', text: numeric[1]! },
      rest: rest.replace(unitWords, ''),
    };
  }
  for (const [pattern, value] of phraseQuantities) {
    const match = pattern.exec(trimmed);
    if (match)
      return { quantity: { kind: 'count', value }, rest: trimmed.slice(match[0].length).trim().replace(unitWords, '') };
  }
  const vague = vagueAmount.exec(trimmed);
  if (vague) return { quantity: { kind: 'invalid', text: vague[1]! }, rest: trimmed.slice(vague[0].length).trim() };
  const word = wordNumber(trimmed);
  if (word && /^[\s-]|^$/.test(trimmed.slice(word.length, word.length + 1))) {
    const { value, rest } = scaled(word.value, trimmed.slice(word.length).trim());
    return { quantity: { kind: 'count', value }, rest: rest.replace(unitWords, '') };
  }
  // "banana units of X": a quantity was given, but it is not a number.
  const notANumber = /^["']?([^\s"']+)["']?\s+(?:units?|pieces?|pcs|items?)\b\s*(?:of\s+)?/.exec(trimmed);
  if (notANumber)
    return { quantity: { kind: 'invalid', text: notANumber[1]! }, rest: trimmed.slice(notANumber[0].length) };
  return { quantity: { kind: 'count', value: 1 }, rest: trimmed };
}

export function readTarget(text: string): Target {
  const limit = priceLimit.exec(text);
  const withoutLimit = limit ? text.replace(priceLimit, ' ') : text;
  const cleaned = stripTrailing(
    withoutLimit.replace(leadingFiller, '').replace(fillerAnywhere, ' ').replace(/\s+/g, ' '),
  );
  if (/^(?:it|that|this|this one|that one|the same|same)$/.test(cleaned) || cleaned === '')
    return { kind: 'pronoun', plural: false };
  if (/^(?:them|those|these|both|all of them|all of those|them all)$/.test(cleaned))
    return { kind: 'pronoun', plural: true };
  return { kind: 'named', text: cleaned, ...(limit ? { maxPrice: Number(limit[1]) } : {}) };
}

/** "laptops under $1500": the words and the price limit apart. */
export function readPriceLimit(text: string): { text: string; maxPrice?: number } {
  const limit = priceLimit.exec(text);
  return limit ? { text: text.replace(priceLimit, ' ').trim(), maxPrice: Number(limit[1]) } : { text };
}
