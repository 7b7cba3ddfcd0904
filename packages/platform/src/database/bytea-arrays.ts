import pg from 'pg';

const byteaArray = 1001; // the OID of bytea[]; pg-types names no array type
// pg-types types its lookup by the built-in OIDs only.
const parserOf = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (text: string) => unknown;
const standardParser = parserOf(byteaArray, 'text');
// One token of a bytea array in text form (hex output): a brace, a comma, a quoted `\\x…` element or NULL.
const token = /\{|\}|,|"\\\\x([0-9a-fA-F]*)"|NULL/y;

/**
 * The same nested arrays of Buffers as pg-types' parser, in one regex pass: that parser walks the text character by
 * character, which for LangGraph's checkpoint reads (every message of a conversation, hex-encoded in one bytea[]) cost
 * more CPU than the rest of a chat turn. Any text it does not expect (bounds, escape output) goes to the standard one.
 */
export function parseByteaArray(text: string): unknown {
  const open: unknown[][] = [];
  let outermost: unknown[] | undefined;
  token.lastIndex = 0;
  while (token.lastIndex < text.length) {
    const match = token.exec(text);
    if (!match) return standardParser(text);
    const [found, hex] = match;
    if (found === '{') {
      const array: unknown[] = [];
      open.at(-1)?.push(array);
      open.push(array);
    } else if (found === '}') {
      outermost = open.pop();
    } else if (found !== ',') {
      const current = open.at(-1);
      if (!current) return standardParser(text);
      current.push(hex === undefined ? null : Buffer.from(hex, 'hex'));
    }
  }
  return open.length === 0 && outermost ? outermost : standardParser(text);
}

/** The type parsers of this codebase's pools: pg's own, but bytea arrays parsed by the function above. */
export const poolTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === byteaArray && format !== 'binary'
      ? parseByteaArray
      : parserOf(oid, format)) as typeof pg.types.getTypeParser,
};
