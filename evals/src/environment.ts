import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

function readEnvFile(path: string): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

/** The shell's variables first, then the root `.env`, then the `.env.local` that `pnpm start` generates. */
export function loadEnvironment(root: string): Record<string, string> {
  const shell = Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  return { ...readEnvFile(join(root, '.env.local')), ...readEnvFile(join(root, '.env')), ...Object.fromEntries(shell) };
}
