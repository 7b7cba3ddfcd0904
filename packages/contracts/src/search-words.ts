/**
 * How the catalog search matches a word: by a loose stem that covers its singular and plural (rackets → racket,
 * boxes → box, battery and batteries → batter). Shared so that callers deciding which results they asked for
 * (the offline model) match words exactly as the search did.
 */
export function stem(word: string) {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3);
  if (word.length > 4 && /[^aeiou]y$/.test(word)) return word.slice(0, -1);
  if (word.length > 4 && /(s|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
