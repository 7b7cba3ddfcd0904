/**
 * One pattern matching any of `alternatives` (their sources joined with `|`, the flags of the first): a long phrase
 * grammar reads one alternative per line instead of one line of several hundred characters.
 */
export function anyOf(...alternatives: RegExp[]): RegExp {
  const flags = alternatives[0]?.flags ?? '';
  if (alternatives.some((alternative) => alternative.flags !== flags))
    throw new Error('anyOf: alternatives differ in flags');
  return new RegExp(alternatives.map((alternative) => alternative.source).join('|'), flags);
}
