import pg from 'pg';

const isNumber = (value: unknown) => typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value));

/** An array's text as pg sends it (`{"1","it's"}`, NULL for null), or undefined for elements it formats otherwise. */
function arrayText(values: unknown[]): string | undefined {
  const elements: string[] = [];
  for (const value of values) {
    if (value === null || value === undefined) elements.push('NULL');
    else if (Array.isArray(value)) {
      const nested = arrayText(value);
      if (nested === undefined) return undefined;
      elements.push(nested);
    } else if (isNumber(value) || typeof value === 'boolean' || typeof value === 'string') {
      elements.push(`"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    } else return undefined;
  }
  return `{${elements.join(',')}}`;
}

/**
 * A value as the constant PostgreSQL reads exactly as it reads that value sent as a parameter: pg sends parameters as
 * text of no declared type, which PostgreSQL types from their context "in the same way as untyped literal string
 * constants" (its protocol's documentation), and a quoted constant is one. Undefined for what pg would not send as
 * plain text (binary buffers, dates it formats itself, objects) or could not reach PostgreSQL as is (NUL).
 */
function constant(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? "'true'" : "'false'";
  if (isNumber(value)) return `'${value}'`;
  const text = typeof value === 'string' ? value : Array.isArray(value) ? arrayText(value) : undefined;
  return text === undefined || text.includes('\0') ? undefined : pg.escapeLiteral(text);
}

// Quoted strings and names, comments, a parameter, a run of anything else, or one character the others left.
// PostgreSQL ends a `--` comment at a carriage return as at a line feed.
const token = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n\r]*|\/\*(?:(?!\/\*)[\s\S])*?\*\/|\$\d+(?![\w$])|[^'"$/-]+|[\s\S]/gy;

/**
 * The text cut around its parameters (strings, and the parameters' 0-based numbers), or undefined if anything in it is
 * not plainly understood: an escape string (E'...', U&'...'), a dollar quote, a nested or unfinished comment or quote,
 * a `$` inside a name.
 */
function parametersOf(text: string): (string | number)[] | undefined {
  const parts: (string | number)[] = [];
  let plain = '';
  token.lastIndex = 0;
  for (let match = token.exec(text); match; match = token.exec(text)) {
    const [found] = match;
    const before = plain.at(-1) ?? '';
    if (found.startsWith('$')) {
      // PostgreSQL's names take `$` after any letter, non-ASCII ones included.
      if (found.length === 1 || /[\w$\u0080-\uffff]/.test(before)) return undefined;
      parts.push(plain, Number(found.slice(1)) - 1);
      plain = '';
      continue;
    }
    if ((found.startsWith("'") && /[\w&]/.test(before)) || found === "'" || found === '"') return undefined;
    if (found === '/' && text.startsWith('/*', match.index)) return undefined;
    plain += found;
  }
  parts.push(plain);
  return parts;
}

const maximumRemembered = 500;
const remembered = new Map<string, (string | number)[] | undefined>();

/**
 * `text` with its `$1`... written in as constants, so that it may travel with other statements in one message; or
 * undefined when that cannot be done safely (see `parametersOf` and `constant`).
 */
export function withParametersInlined(text: string, values: unknown[]): string | undefined {
  let parts = remembered.get(text);
  if (parts === undefined && !remembered.has(text)) {
    parts = parametersOf(text);
    if (remembered.size < maximumRemembered) remembered.set(text, parts);
  }
  if (!parts) return undefined;
  let inlined = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      inlined += part;
      continue;
    }
    const written = part >= 0 && part < values.length ? constant(values[part]) : undefined;
    if (written === undefined) return undefined;
    inlined += written;
  }
  return inlined;
}
