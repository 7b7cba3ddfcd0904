import { randomUUID } from 'node:crypto';
import { internalHeaders } from '@ecomm/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Calls the app in-process with the internal key, as the orchestrator would over HTTP. */
export function caller(app: () => FastifyInstance) {
  return (
    method: Method,
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app().inject({
      method,
      url,
      headers: { ...internalHeaders, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
}

export function uniqueId(prefix: string) {
  return `${prefix}-${randomUUID()}`;
}
