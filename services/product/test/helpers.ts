import assert from 'node:assert/strict';
import type { CreateProduct, CreateReservation, Product } from '@ecomm/contracts';
import {
  createDatabaseServiceApp,
  type DatabaseConnection,
  type ServiceApp,
  type ServiceDefinition,
} from '@ecomm/platform';
import { internalHeaders } from '@ecomm/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ProductConfig } from '../src/config.js';
import { idempotencyKeys } from '../src/database/schema.js';
import { productService } from '../src/service.js';

/** Calls the product service the way other services do: with the internal key, JSON in and out. */
export function productClient(app: FastifyInstance) {
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      headers: { ...internalHeaders, ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  return {
    call,

    async createProduct(input: Partial<CreateProduct> = {}): Promise<Product> {
      const response = await call('POST', '/', { name: 'Test product', price: 10, stock: 10, ...input });
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    },

    async stockOf(id: number): Promise<number> {
      const response = await call('GET', `/${id}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json().stock;
    },

    reserve: (body: CreateReservation, headers?: Record<string, string>) =>
      call('POST', '/reservations', body, headers),

    release: (reservationId: string) => call('POST', `/reservations/${reservationId}/release`),

    async search(query: Record<string, string | number>) {
      const parameters = new URLSearchParams(
        Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]),
      );
      const response = await call('GET', `/?${parameters}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { items: Product[]; total: number; limit: number; offset: number };
    },
  };
}

let counter = 0;

export function uniqueId(prefix: string) {
  counter += 1;
  return `${prefix}-${Date.now()}-${counter}`;
}

/** A POST over real HTTP (concurrency needs a listening service), with the internal key and an Idempotency-Key. */
export async function postOverHttp(url: string, path: string, body: unknown, key?: string) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...internalHeaders,
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    body: await response.text(),
  };
}

/**
 * The product service's chassis (idempotent writes in one transaction) with probe routes of a test's own, which do
 * work and then fail or wait the way a bug, a crash or a slow request would.
 */
export function probeService(
  addProbes: (app: ServiceApp, database: DatabaseConnection) => void,
): ServiceDefinition<ProductConfig> {
  return {
    ...productService,
    async buildApp(config) {
      const chassis = { service: 'product', config, idempotencyTable: idempotencyKeys } as const;
      const { app, database } = createDatabaseServiceApp({ ...chassis, idempotencyMode: 'one-transaction' });
      addProbes(app, database);
      return app;
    },
  };
}
