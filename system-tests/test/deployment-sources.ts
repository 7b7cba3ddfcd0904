import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { serviceCatalog, workspaceRoot, type ServiceName } from '@ecomm/cluster';
import {
  baseConfigSchema,
  createBusinessMetrics,
  createServiceApp,
  loadConfig,
  type ServiceDefinition,
} from '@ecomm/platform';
import { testEnvironment } from '@ecomm/testing';
import { parse } from 'yaml';

export const root = workspaceRoot();
export const readText = (path: string) => readFileSync(join(root, path), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each service's config type differs
export type AnyDefinition = ServiceDefinition<any>;

/** Each catalog service's definition, through its package's `./service` export. */
export async function serviceDefinitions(): Promise<Record<ServiceName, AnyDefinition>> {
  const entries = await Promise.all(
    serviceCatalog.map(async ({ name }) => {
      const module = (await import(`@ecomm/${name}-service/service`)) as Record<string, unknown>;
      const definition = Object.values(module).find((value) => (value as AnyDefinition | undefined)?.name === name);
      if (!definition) throw new Error(`@ecomm/${name}-service/service exports no definition named "${name}"`);
      return [name, definition as AnyDefinition] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ServiceName, AnyDefinition>;
}

interface SchemaInternals {
  shape?: Record<string, unknown>;
  _zod?: { def?: { in?: unknown; innerType?: unknown } };
}

/** Every variable a config schema reads: the keys of its object, under any transform. */
export function configKeys(schema: unknown): string[] {
  const internals = schema as SchemaInternals;
  if (internals.shape) return Object.keys(internals.shape);
  const inner = internals._zod?.def?.in ?? internals._zod?.def?.innerType;
  if (!inner) throw new Error('A config schema is not an object schema');
  return configKeys(inner);
}

/** The variables a config schema cannot do without: those it reports missing in an empty environment. */
export function requiredKeys(schema: AnyDefinition['configSchema']): string[] {
  const result = schema.safeParse({});
  if (result.success) return [];
  return result.error.issues.filter((issue) => issue.code === 'invalid_type').map((issue) => String(issue.path[0]));
}

export interface ComposeService {
  build?: string;
  image?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string | number | boolean>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
}

export function composeFile() {
  return parse(readText('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
}

/** The published container ports of a compose service ("127.0.0.1:8001:8001" → 8001). */
export function containerPorts(service: ComposeService) {
  return (service.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
}

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** The variables a compose value refers to, and whether each must be set (`${NAME:?...}`). */
export function referencedVariables(value: string) {
  return [...value.matchAll(reference)].map((match) => ({
    name: match[1]!,
    required: match[2]?.endsWith('?') ?? false,
  }));
}

/** Resolves ${NAME}, ${NAME:-default} and ${NAME:?message} as docker compose does with a .env file. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(
    reference,
    (_match, name: string, operator: string | undefined, argument: string | undefined) => {
      const given = variables[name];
      const missing = operator?.startsWith(':') ? !given : given === undefined;
      if (!missing) return given!;
      if (operator?.endsWith('?')) throw new Error(`docker compose would stop: ${name} is not set (${argument})`);
      return operator?.endsWith('-') ? (argument ?? '') : '';
    },
  );
}

/** Every NAME=value line of .env.example, commented out or not. */
export function envExampleLines() {
  const lines = [...readText('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm)];
  return new Map(lines.map((match) => [match[1]!, match[2]!.trim()]));
}

/** The secrets the README's one-liner writes into .env before `docker compose up`. */
export function generatedSecretNames() {
  const loop = /for name in ([A-Z0-9_ ]+); do/.exec(readText('README.md'));
  if (!loop) throw new Error('The README has no `for name in ...; do` secret generator');
  return loop[1]!.trim().split(/\s+/);
}

/** The .env an operator ends up with by following the README's "Run with Docker": .env.example plus the generated secrets. */
export function operatorEnvironment() {
  const fromExample = parseEnv(readText('.env.example')) as Record<string, string>;
  const secrets = generatedSecretNames().map((name, index) => [
    name,
    `generated${index}${'0123456789abcdef'.repeat(4)}`,
  ]);
  return { ...fromExample, ...Object.fromEntries(secrets) };
}

/** A service's environment as docker compose would pass it, resolved against `variables`. */
export function resolvedEnvironment(service: ComposeService, variables: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), variables)]),
  );
}

/** Every series name a service's GET /metrics can show: its defaults, HTTP histogram and the business metrics. */
export async function exportedSeriesNames() {
  const config = loadConfig(baseConfigSchema, testEnvironment({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused' }));
  const app = createServiceApp({ service: 'metrics-probe', config });
  createBusinessMetrics(app.metrics);
  const text = (await app.inject('/metrics')).body;
  await app.close();
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped, with their stage's index. */
export function dockerfileInstructions() {
  const joined = readText('Dockerfile')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  let stage = -1;
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      if (instruction.toUpperCase() === 'FROM') stage++;
      return { instruction: instruction.toUpperCase(), args: rest.join(' '), stage };
    });
}
