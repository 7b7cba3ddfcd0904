import { catalogEntry } from '@ecomm/contracts';
import { baseConfigSchema, booleanSchema, portSchema } from '@ecomm/platform';
import type { z } from 'zod';

export const productConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(catalogEntry('product').port),
  /** Registers POST /reset_db, which empties the catalog: for tests and evals, never production. */
  ALLOW_TEST_RESET: booleanSchema(false),
});

export type ProductConfig = z.infer<typeof productConfigSchema>;
