import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const portSchema = (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort);

/** "30/minute" style limits, as operators write them in env files. */
export const rateLimitSchema = z
  .string()
  .regex(/^\d+\/(second|minute|hour)$/, 'must look like "30/minute" (per second, minute or hour)')
  .transform((value) => {
    const [count, unit] = value.split('/') as [string, 'second' | 'minute' | 'hour'];
    const windowMs = { second: 1_000, minute: 60_000, hour: 3_600_000 }[unit];
    return { max: Number(count), windowMs };
  });

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const booleanSchema = (defaultValue: boolean) => booleanFlag.prefault(defaultValue ? 'true' : 'false');

/** Settings every service reads; each service extends this with its own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  INTERNAL_API_KEY: z.string().min(16, 'must be at least 16 characters'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_ISSUER: z.string().default('ecomm-auth'),
  JWT_AUDIENCE: z.string().default('ecomm'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Off behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21). */
  DATABASE_PREPARED_STATEMENTS: booleanSchema(true),
  /**
   * How long a statement may wait for a row another request holds before the request is answered 503 (0: no limit).
   * Shorter than the pool's 5 s wait for a connection, so requests queued behind a stalled one give their connections
   * back before unrelated requests time out waiting for one.
   */
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(3_000),
  MIGRATE_ON_START: booleanSchema(true),
  /**
   * Stop when stdin closes: `pnpm start` holds the other end of each service's stdin, so a launcher killed with
   * SIGKILL (which it cannot catch) still takes its services with it. Off elsewhere: a container's stdin may be closed
   * from the start.
   */
  STOP_WHEN_STDIN_CLOSES: booleanSchema(false),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().min(24).default(24),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /**
   * Behind an ingress or load balancer: which proxies to believe about the client's address (per-IP limits, logs).
   * `false` (default) ignores X-Forwarded-For; `true` or a number trusts that many hops (true = 1, the ingress: the
   * address it appended, never one the client wrote); or a comma-separated list of the proxies' addresses or CIDRs.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value): false | number | string[] => {
      if (value === 'false' || value === '0' || value === '') return false;
      if (value === 'true') return 1;
      if (/^\d+$/.test(value)) return Number(value);
      return value
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean);
    }),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; a bad or missing variable stops the start with its name. */
export function loadConfig<Schema extends z.ZodType<BaseConfig>>(
  schema: Schema,
  environment: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  // An empty assignment such as `OPENAI_API_KEY=` in an env file means "not set".
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    // Judged from the environment itself: zod 4 leaves an issue's input out unless asked to report it.
    const missing = issue.code === 'invalid_type' && present[String(issue.path[0])] === undefined;
    const message = missing ? 'is required' : issue.message;
    return `  - ${name}: ${message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}
