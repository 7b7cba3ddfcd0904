import type { BaseLogger, LoggerOptions } from 'pino';

/** What code outside the HTTP layer logs through: pino's calls, which Fastify's request and app loggers also have. */
export type Logger = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-internal-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-internal-api-key"]',
  'password',
  '*.password',
  'body.password',
];

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
