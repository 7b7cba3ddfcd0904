import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startTracing } from './tracing.js';

/**
 * The first import of each service's server.ts (`import '@ecomm/platform/tracing'`): with
 * OTEL_EXPORTER_OTLP_ENDPOINT set it starts tracing before the service's own imports load; unset,
 * it does nothing and loads nothing.
 */

/** `@ecomm/product-service` → `product`: the name of the package whose server.ts is running. */
function entryServiceName() {
  let folder = dirname(resolve(process.argv[1] ?? '.'));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) return 'unknown';
    folder = parent;
  }
  const { name } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string };
  return name?.replace(/^@ecomm\//, '').replace(/-service$/, '') ?? 'unknown';
}

// runService's stop handler flushes the spans still buffered (shutdownTracing) before the process exits.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) startTracing(process.env.OTEL_SERVICE_NAME || entryServiceName());
