import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes, isRetryable } from '@ecomm/contracts';
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { errors as undiciErrors, Pool } from 'undici';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { internalKeyHeader } from '../security/access-guard.js';
import { idempotencyKeyHeader, idempotentReplayedHeader } from './idempotency.js';

export interface ServiceClientOptions {
  /** The called service's name, used in error messages. */
  service: string;
  baseUrl: string;
  internalApiKey: string;
  timeoutMs?: number;
  retries?: number;
  breaker?: BreakerOptions;
}

export interface BreakerOptions {
  /** Failed attempts in a row (timeouts, refused connections, 502/503/504) that open the breaker. */
  threshold?: number;
  /** How long an open breaker refuses calls before it lets one through to test the service. */
  halfOpenAfterMs?: number;
  onStateChange?: (state: BreakerState) => void;
}

export type BreakerState = 'closed' | 'half_open' | 'open';
const breakerStates: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface CallOptions<Schema extends z.ZodType> {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Makes a POST or PATCH safe to retry: the called service replays the first response. */
  idempotencyKey?: string;
  timeoutMs?: number;
  schema?: Schema;
}

const safeToRepeat = new Set<Method>(['GET', 'PUT', 'DELETE']);

class RetryableFailure extends Error {
  constructor(
    readonly failure: AppError,
    /** The service did not answer properly (as opposed to "still in progress"): counts against its breaker. */
    readonly unhealthy = true,
  ) {
    super(failure.message);
  }
}

function withQuery(path: string, query: CallOptions<z.ZodType>['query']) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Service-to-service HTTP: the internal key attached, timeouts, retries only where repeating is safe, and a circuit
 * breaker per called service, so a service that hangs costs its callers a fast refusal instead of every timeout.
 */
export function createServiceClient(options: ServiceClientOptions) {
  const pool = new Pool(options.baseUrl, { connections: 64, keepAliveTimeout: 10_000 });
  const defaultTimeout = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 2;
  const halfOpenAfterMs = options.breaker?.halfOpenAfterMs ?? 10_000;
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof RetryableFailure && error.unhealthy),
    { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breaker?.threshold ?? 5) },
  );
  breaker.onStateChange((state) => options.breaker?.onStateChange?.(breakerStates[state]));
  // An open breaker is the same refusal as an unreachable service: one the saga knows may pass by itself.
  const circuitOpen = () =>
    new AppError(
      503,
      errorCodes.UPSTREAM_UNAVAILABLE,
      `${options.service} service is unreachable (circuit open after repeated failures; next try within ${halfOpenAfterMs} ms)`,
    );

  async function attempt(method: Method, path: string, call: CallOptions<z.ZodType>) {
    const timeoutMs = call.timeoutMs ?? defaultTimeout;
    const headers: Record<string, string> = { [internalKeyHeader]: options.internalApiKey, ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey) headers[idempotencyKeyHeader] = call.idempotencyKey;
    let response;
    try {
      response = await pool.request({
        method,
        path: withQuery(path, call.query),
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
        throw new RetryableFailure(
          AppError.upstreamTimeout(`${options.service} service did not answer within ${timeoutMs} ms`),
        );
      }
      // A request refused here before it was sent (a path undici will not send) says nothing of the service's health.
      if (error instanceof undiciErrors.InvalidArgumentError)
        throw AppError.badRequest(`Invalid request to the ${options.service} service`);
      throw new RetryableFailure(
        new AppError(503, errorCodes.UPSTREAM_UNAVAILABLE, `${options.service} service is unreachable`),
      );
    }
    const text = await response.body.text();
    let payload: Record<string, unknown> | undefined;
    try {
      payload = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      throw AppError.upstream(
        `${options.service} service answered ${response.statusCode} with a body that is not JSON`,
      );
    }
    if (response.statusCode < 400) return { payload, replayed: response.headers[idempotentReplayedHeader] === 'true' };
    const message =
      typeof payload?.message === 'string'
        ? payload.message
        : `${options.service} service answered ${response.statusCode}`;
    const code = typeof payload?.code === 'string' ? payload.code : errorCodes.UPSTREAM_REJECTED;
    if (response.statusCode < 500) {
      // The same request (same key) is still running over there: asking again shortly replays its answer. Its
      // message names this caller's own key, which would reach a shopper as it is after the last attempt.
      if (code === errorCodes.IDEMPOTENCY_IN_PROGRESS) {
        const busy = `The ${options.service} service is still working on this request; try again shortly`;
        throw new RetryableFailure(new AppError(response.statusCode, code, busy), false);
      }
      throw new AppError(response.statusCode, code, message, payload?.details);
    }
    const failure = AppError.upstream(`${options.service} service failed: ${message}`);
    if (isRetryable({ statusCode: response.statusCode, code })) throw new RetryableFailure(failure);
    throw failure;
  }

  /** The answer, and whether it is the stored first answer to its Idempotency-Key (which may since be out of date). */
  async function send<Schema extends z.ZodType = z.ZodUnknown>(
    method: Method,
    path: string,
    call: CallOptions<Schema> = {},
  ): Promise<{ body: z.infer<Schema>; replayed: boolean }> {
    const repeatable = safeToRepeat.has(method) || Boolean(call.idempotencyKey);
    for (let attemptNumber = 0; ; attemptNumber++) {
      try {
        const { payload, replayed } = await breaker.execute(() => attempt(method, path, call));
        if (!call.schema) return { body: payload as z.infer<Schema>, replayed };
        const parsed = call.schema.safeParse(payload);
        if (!parsed.success) throw AppError.upstream(`${options.service} service returned an unexpected response`);
        return { body: parsed.data, replayed };
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw circuitOpen();
        if (!(error instanceof RetryableFailure)) throw error;
        if (!repeatable || attemptNumber >= retries) throw error.failure;
        await sleep(100 * 2 ** attemptNumber + Math.random() * 50);
      }
    }
  }

  const call = async <Schema extends z.ZodType>(method: Method, path: string, options?: CallOptions<Schema>) =>
    (await send(method, path, options)).body;

  return {
    /** A POST told apart from its replay: for a caller that needs the current state rather than a stored answer. */
    postTellingReplays: <Schema extends z.ZodType>(path: string, options?: CallOptions<Schema>) =>
      send('POST', path, options),
    get: <Schema extends z.ZodType>(path: string, options?: CallOptions<Schema>) => call('GET', path, options),
    post: <Schema extends z.ZodType>(path: string, options?: CallOptions<Schema>) => call('POST', path, options),
    put: <Schema extends z.ZodType>(path: string, options?: CallOptions<Schema>) => call('PUT', path, options),
    patch: <Schema extends z.ZodType>(path: string, options?: CallOptions<Schema>) => call('PATCH', path, options),
    delete: <Schema extends z.ZodType>(path: string, options?: CallOptions<Schema>) => call('DELETE', path, options),
    breakerState: () => breakerStates[breaker.state],
    close: () => pool.close(),
  };
}

export type ServiceClient = ReturnType<typeof createServiceClient>;
