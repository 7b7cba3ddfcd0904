/** What a shopper's message asks for, in order. The offline planner turns these into tool calls. */
export type Quantity = { kind: 'count'; value: number } | { kind: 'invalid'; text: string };

export type Target = { kind: 'named'; text: string } | { kind: 'pronoun'; plural: boolean };

export type Intent =
  | { type: 'browse'; query: string; sort?: 'price_asc' | 'price_desc' }
  | { type: 'add'; target: Target; quantity: Quantity; buy: boolean }
  | { type: 'cheapest'; query: string; quantity: Quantity; buy: boolean; add: boolean }
  | { type: 'everything'; buy: boolean }
  | { type: 'remove'; target: Target }
  /** "Make it 3": the line's quantity becomes this. */
  | { type: 'set_quantity'; target: Target; quantity: Quantity }
  | { type: 'clear_cart' }
  | { type: 'view_cart' }
  /** `implicit`: added after a "buy"; skipped when a purchase in the same message could not be added. */
  | { type: 'checkout'; implicit?: boolean }
  | { type: 'price_change' }
  | { type: 'help' };

const numberWords: Record<string, number> = {
  zero: 0, a: 1, an: 1, one: 1, single: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, dozen: 12,
};

const phraseQuantities: [RegExp, number][] = [
  [/^(?:a\s+)?couple(?:\s+of)?\b/, 2],
  [/^(?:a\s+)?pair\s+of\b/, 2],
  [/^a\s+few\b/, 3],
  [/^half\s+a\s+dozen\b/, 6],
  [/^a\s+dozen\b/, 12],
];

const unitWords = /^(?:units?|pieces?|pcs|items?|copies|of them)\b\s*(?:of\s+)?/;
const leadingFiller = /^(?:(?:the|some|my|me|us|please|also|just|another|more|of)\b\s*)+/;
const trailingFiller =
  /\s*\b(?:(?:to|in|into|from|out of)\s+(?:my|the)\s+(?:cart|basket)|for me|please|now|right away|as well|too|again|each|thanks?(?: you)?)\s*$/;

function stripTrailing(text: string) {
  let previous;
  let current = text.trim();
  do {
    previous = current;
    current = current.replace(trailingFiller, '').replace(/[\s.,!?]+$/, '').trim();
  } while (current !== previous);
  return current;
}

/** Splits "2 MacBook Pros" into a quantity and the rest; a missing quantity means one. */
export function readQuantity(text: string): { quantity: Quantity; rest: string } {
  const trimmed = text.trim().toLowerCase();
  const numeric = /^(-?\d+(?:[.,]\d+)?)\s*(?:x\b|×)?\s*/.exec(trimmed);
  if (numeric) {
    const value = Number(numeric[1]!.replace(',', '.'));
    const rest = trimmed.slice(numeric[0].length).replace(unitWords, '');
    return { quantity: Number.isInteger(value) ? { kind: 'count', value } : { kind: 'invalid', text: numeric[1]! }, rest };
  }
  for (const [pattern, value] of phraseQuantities) {
    const match = pattern.exec(trimmed);
    if (match) return { quantity: { kind: 'count', value }, rest: trimmed.slice(match[0].length).trim().replace(unitWords, '') };
  }
  const word = /^([a-z]+)\s+/.exec(trimmed);
  if (word && numberWords[word[1]!] !== undefined) {
    return { quantity: { kind: 'count', value: numberWords[word[1]!]! }, rest: trimmed.slice(word[0].length).replace(unitWords, '') };
  }
  // "banana units of X": a quantity was given, but it is not a number.
  const notANumber = /^["']?([^\s"']+)["']?\s+(?:units?|pieces?|pcs|items?)\b\s*(?:of\s+)?/.exec(trimmed);
  if (notANumber) return { quantity: { kind: 'invalid', text: notANumber[1]! }, rest: trimmed.slice(notANumber[0].length) };
  return { quantity: { kind: 'count', value: 1 }, rest: trimmed };
}

export function readTarget(text: string): Target {
  const cleaned = stripTrailing(text.replace(leadingFiller, ''));
  if (/^(?:it|that|this|this one|that one|the same|same)$/.test(cleaned) || cleaned === '') return { kind: 'pronoun', plural: false };
  if (/^(?:them|those|these|both|all of them|all of those|them all)$/.test(cleaned)) return { kind: 'pronoun', plural: true };
  return { kind: 'named', text: cleaned };
}
