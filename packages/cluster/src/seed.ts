import { loadDevEnvironment } from './dev-environment.js';
import { seedDemoCatalog } from './demo-seed.js';
import { workspaceRoot } from './workspace-root.js';

// `pnpm seed`: restores the demo catalog in the running cluster (started with `pnpm start`).
const environment = loadDevEnvironment(workspaceRoot());
const url = environment.PRODUCT_SERVICE_URL ?? 'http://127.0.0.1:8001';
try {
  const { created, restored } = await seedDemoCatalog({ url, internalApiKey: environment.INTERNAL_API_KEY! });
  console.log(`Demo catalog seeded at ${url}: ${created} products created, ${restored} restored.`);
} catch (error) {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED')
    console.error(`The product service is not running at ${url}; start the cluster with pnpm start first.`);
  else console.error((error as Error).message);
  process.exit(1);
}
