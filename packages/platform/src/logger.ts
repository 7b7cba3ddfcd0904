import pino, { type BaseLogger, type DestinationStream, type LoggerOptions } from 'pino';

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

/** Where a process's log lines go: pino's destination, told of each line so it knows when to write. */
export interface LogDestination {
  stream: DestinationStream;
  /** Called after each line is handed to `stream`, with its level. */
  lineWritten: (level: number) => void;
}

/** Bytes of lines held back before one write: about ten request lines. */
const batchBytes = 4096;
/** Lines at this level or above go out at once: a warning or an error may come just before a crash or a SIGKILL. */
const urgentLevel = pino.levels.values.warn as number;

/**
 * Log lines batched into one write per ~4 KiB or per `flushEveryMs`, instead of a write per line: pino's default
 * wrote each line through a libuv thread and woke the reader (the launcher, a log shipper) each time, which cost a
 * GET answered from the database about a third of its CPU (docs/operations.md, Performance).
 * Writes are synchronous (no hop through a libuv thread), and what is still buffered is written when the process
 * exits: by process.exit (runService's stop on SIGTERM/SIGINT) or on an uncaught error.
 */
export function createLogDestination(options: { fd?: number; flushEveryMs?: number } = {}): LogDestination {
  const destination = pino.destination({ dest: options.fd ?? 1, sync: true, minLength: batchBytes });
  let waiting = false;
  // With sync writes, flush() writes what waits before it returns. Not flushSync(): it retries a failed write
  // forever, so a service whose reader is gone (EPIPE) would never exit.
  const flush = () => {
    waiting = false;
    destination.flush();
  };
  setInterval(() => waiting && flush(), options.flushEveryMs ?? 200).unref();
  process.on('exit', flush);
  return {
    stream: destination,
    lineWritten(level) {
      waiting = true;
      if (level >= urgentLevel) flush();
    },
  };
}

let standardOutput: LogDestination | undefined;

/** This process's stdout: one destination for every app the process builds. */
function standardOutputLog(): LogDestination {
  standardOutput ??= createLogDestination();
  return standardOutput;
}

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}

/** A service's logger, as Fastify's `logger` option: its options and where its lines go (stdout by default). */
export function serviceLoggerOptions(
  service: string,
  level: string,
  destination: LogDestination = standardOutputLog(),
): LoggerOptions & { stream: DestinationStream } {
  return {
    ...loggerOptions(service, level),
    hooks: {
      logMethod(args, write, lineLevel) {
        write.apply(this, args);
        destination.lineWritten(lineLevel);
      },
    },
    stream: destination.stream,
  };
}
