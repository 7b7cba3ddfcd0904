import { z } from 'zod';
import {
  clientIdSchema,
  pageSchema,
  paginationQuerySchema,
  productIdSchema,
  quantitySchema,
  salePriceSchema,
  stockSchema,
} from './common.js';

const nameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const descriptionSchema = z.string().trim().max(2000, 'must be at most 2000 characters');
const categorySchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const createProductSchema = z.strictObject({
  name: nameSchema,
  price: salePriceSchema,
  stock: stockSchema,
  description: descriptionSchema.optional(),
  category: categorySchema.optional(),
});

export const updateProductSchema = z
  .strictObject({
    name: nameSchema,
    price: salePriceSchema,
    stock: stockSchema,
    description: descriptionSchema.nullable(),
    category: categorySchema.nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');

export const productSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number(),
  stock: z.number().int(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const listProductsQuerySchema = paginationQuerySchema.extend({
  query: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  category: categorySchema.optional(),
  max_price: z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a number such as 1500 or 19.99')
    .transform(Number)
    .pipe(z.number().min(0, 'must not be negative').max(1_000_000, 'must be at most 1000000'))
    .optional(),
  sort: z
    .enum(['relevance', 'price_asc', 'price_desc'], { error: 'must be relevance, price_asc or price_desc' })
    .optional(),
});

export const productPageSchema = pageSchema(productSchema);

export const reservationLineSchema = z.strictObject({ product_id: productIdSchema, quantity: quantitySchema });

export const createReservationSchema = z.strictObject({
  reservation_id: clientIdSchema,
  lines: z.array(reservationLineSchema).min(1, 'must have at least one line').max(100, 'must have at most 100 lines'),
});

/** Units coming back to stock (a cancelled order, returned items); `restock_id` makes it happen once. */
export const createRestockSchema = z.strictObject({
  restock_id: clientIdSchema,
  lines: z.array(reservationLineSchema).min(1, 'must have at least one line').max(100, 'must have at most 100 lines'),
});

export const restockSchema = z.object({
  restock_id: z.string(),
  lines: z.array(z.object({ product_id: z.number().int(), quantity: z.number().int() })),
});

/** A reserved line carries the product's name and its current unit price, read from the database. */
export const reservedLineSchema = z.object({
  product_id: z.number().int(),
  name: z.string(),
  unit_price: z.number(),
  quantity: z.number().int(),
});

export const reservationSchema = z.object({
  reservation_id: z.string(),
  status: z.enum(['reserved', 'released']),
  lines: z.array(reservedLineSchema),
});

/** The `details` of a 409 for short stock: per line, what was asked and what is available. */
export const stockShortageSchema = z.object({
  lines: z.array(
    z.object({
      product_id: z.number().int(),
      name: z.string(),
      requested: z.number().int(),
      available: z.number().int(),
    }),
  ),
});

/** The answer of POST /reset_db, which exists only when the service runs with ALLOW_TEST_RESET=true. */
export const productResetSchema = z.object({ message: z.string() });

export type Product = z.infer<typeof productSchema>;
export type CreateProduct = z.infer<typeof createProductSchema>;
export type UpdateProduct = z.infer<typeof updateProductSchema>;
export type ListProductsQuery = z.infer<typeof listProductsQuerySchema>;
export type CreateReservation = z.infer<typeof createReservationSchema>;
export type Reservation = z.infer<typeof reservationSchema>;
export type CreateRestock = z.infer<typeof createRestockSchema>;
export type Restock = z.infer<typeof restockSchema>;
export type StockShortage = z.infer<typeof stockShortageSchema>;
