import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** A registry per app (not prom-client's global one), so several apps can live in one test process. */
export function installMetrics(app: FastifyInstance, service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop delay is sampled every 100 ms instead of prom-client's 10: a timer firing a hundred times a second
  // was most of an idle service's CPU (about 4 ms a second each), and ten samples a second still show a stalled loop.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.decorate('metrics', registry);

  // A callback hook: an async one would allocate a promise per request for work that never waits.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // After the plugins queued so far (the API docs) have loaded, so the docs see the route.
  app.after(() => {
    app.get('/metrics', { config: { access: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  });
}
