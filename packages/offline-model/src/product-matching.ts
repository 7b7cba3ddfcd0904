import { stem } from '@ecomm/contracts';
import type { ProductSummary } from './conversation.js';

const stopWords = new Set([
  'the',
  'a',
  'an',
  'of',
  'for',
  'some',
  'my',
  'me',
  'please',
  'new',
  'one',
  'ones',
  'any',
  'with',
  'unit',
  'units',
  'piece',
  'pieces',
  'pcs',
  'item',
  'items',
  'store',
  'shop',
  'you',
  'have',
]);
const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

function words(text: string) {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word && !stopWords.has(word))
    .map(stem);
}

/**
 * Of the catalog's search results, the products the shopper actually named: every word of the request appears in
 * the product's name or category. The search itself also matches descriptions and single words, which is right
 * for browsing but not for deciding what to buy ("two" must not buy a "Two-piece" golf ball).
 */
export function productsNamed(text: string, candidates: ProductSummary[]): ProductSummary[] {
  const wanted = words(text);
  if (wanted.length === 0) return [];
  const matching = candidates.filter((product) => {
    const haystack = `${product.name} ${product.category ?? ''}`.toLowerCase();
    return wanted.every((word) => haystack.includes(word));
  });
  const exact = matching.filter((product) => words(product.name).join(' ') === wanted.join(' '));
  return exact.length === 1 ? exact : matching;
}

/** The one product an answer to "which one?" picks: "the second", "the last", or words of its name. */
export function pickOne(answer: string, products: ProductSummary[]): ProductSummary | undefined {
  const position =
    /\b(?:last|(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)|(\d+)(?:st|nd|rd|th)?)\b/.exec(
      answer.toLowerCase(),
    );
  if (position && words(answer).length <= 2) {
    const index = position[1]
      ? ordinals.indexOf(position[1])
      : position[2]
        ? Number(position[2]) - 1
        : products.length - 1;
    return products[index];
  }
  const named = productsNamed(answer, products);
  return named.length === 1 ? named[0] : undefined;
}
