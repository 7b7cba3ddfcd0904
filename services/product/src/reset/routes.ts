import { productResetSchema } from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import type { ResetRepository } from './reset-repository.js';

/** Registered only with ALLOW_TEST_RESET=true: tests and evals start from an empty catalog. */
export async function resetRoutes(app: ServiceApp, options: { reset: ResetRepository }) {
  app.post('/reset_db', { schema: { response: { 200: productResetSchema } } }, async () => {
    await options.reset.emptyAll();
    return { message: 'Product catalog and reservations emptied' };
  });
}
