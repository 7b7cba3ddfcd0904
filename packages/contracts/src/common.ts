import { z } from 'zod';

const maxPrice = 1_000_000;

/** Prices travel as numbers such as 2000.0 and are stored as integer cents. */
export const priceSchema = z
  .number({ error: 'must be a number' })
  .min(0, 'must not be negative')
  .max(maxPrice, `must be at most ${maxPrice}`)
  .refine((value) => Math.round(value * 100) / 100 === value, 'must have at most 2 decimal places');

/** What a product may cost and a payment may charge: the payment service charges at least one cent. */
export const salePriceSchema = priceSchema.refine(
  (value) => value >= 0.01,
  'must be at least 0.01 (free items cannot be sold)',
);

export const quantitySchema = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(1_000_000, 'must be at most 1000000');

export const stockSchema = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(1_000_000_000, 'must be at most 1000000000');

export const productIdSchema = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be a positive whole number')
  .max(2_147_483_647, 'is not a valid product id');

/** Product ids in a path: digits only, so "abc", "1.5", "-3" or "1e3" get a 400 rather than a 404. */
export const productIdParamSchema = z
  .string()
  .regex(/^\d+$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(productIdSchema);

/** Client-chosen ids that make a write idempotent (reservation, claim) or name a session. */
export const clientIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters: letters, digits, "_" or "-"');

/** "stats" is a route of the session service (GET /stats), so a cart by that name could never be read. */
export const sessionIdSchema = clientIdSchema.refine(
  (id) => id !== 'stats',
  '"stats" is reserved; choose another session id',
);

export const userIdSchema = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

/** The furthest a page may start: lists are read newest first, and nobody pages a million rows in. */
export const maxPageOffset = 1_000_000;

// A parameter given twice arrives as an array, which coerces to NaN: "must be a number" rather than zod's "received NaN".
export const paginationQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
  offset: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(maxPageOffset, `must be at most ${maxPageOffset}`)
    .default(0),
});

export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}
