import { stem } from '@ecomm/contracts';
import { sql, type SQL } from 'drizzle-orm';
import { products } from '../database/schema.js';

const maxWords = 10;
// Words that would match nearly every row on their own; dropped unless the query has nothing else.
const fillerWords = new Set(['a', 'an', 'and', 'at', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);
const edgePunctuation = /^[.,;:!?"'()[\]{}]+|[.,;:!?"'()[\]{}]+$/g;

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export function queryWords(query: string) {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(edgePunctuation, ''))
    .filter((word) => word.length > 0);
  const meaningful = words.filter((word) => !fillerWords.has(word));
  return [...new Set(meaningful.length > 0 ? meaningful : words)].slice(0, maxWords);
}

const hit = (condition: SQL) => sql`(${condition})::int`;

/**
 * Per query word, a case-insensitive substring match of its stem on name, category and description.
 * `matchedWords` counts the words found anywhere; `score` weighs where they were found (name 3, category 2,
 * description 1) to order products that match the same number of words.
 */
export function textSearch(words: string[]) {
  const perWord = words.map((word) => {
    const pattern = `%${escapeLike(stem(word))}%`;
    const inName = sql`${products.name} ilike ${pattern}`;
    const inCategory = sql`coalesce(${products.category}, '') ilike ${pattern}`;
    const inDescription = sql`coalesce(${products.description}, '') ilike ${pattern}`;
    return {
      matched: hit(sql`${inName} or ${inCategory} or ${inDescription}`),
      score: sql`3 * ${hit(inName)} + 2 * ${hit(inCategory)} + ${hit(inDescription)}`,
    };
  });
  return {
    wordCount: words.length,
    matchedWords: sql<number>`(${sql.join(
      perWord.map((word) => word.matched),
      sql` + `,
    )})`,
    score: sql<number>`(${sql.join(
      perWord.map((word) => word.score),
      sql` + `,
    )})`,
  };
}

export type TextSearch = ReturnType<typeof textSearch>;
