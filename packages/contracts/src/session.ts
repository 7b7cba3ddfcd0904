import { z } from 'zod';
import {
  clientIdSchema,
  pageSchema,
  paginationQuerySchema,
  productIdSchema,
  quantitySchema,
  sessionIdSchema,
  userIdSchema,
} from './common.js';

export const createSessionSchema = z.strictObject({ user_id: userIdSchema, session_id: sessionIdSchema.optional() });

export const cartItemSchema = z.object({ product_id: z.number().int(), quantity: z.number().int() });

export const cartStatusSchema = z.enum(['open', 'checking_out']);

export const cartSchema = z.object({
  session_id: z.string(),
  user_id: z.string(),
  status: cartStatusSchema,
  items: z.array(cartItemSchema),
});

export const listSessionsQuerySchema = paginationQuerySchema.extend({ user_id: userIdSchema });

export const cartPageSchema = pageSchema(cartSchema);

export const addCartItemSchema = z.strictObject({ product_id: productIdSchema, quantity: quantitySchema });

export const setCartItemSchema = z.strictObject({ quantity: quantitySchema });

/** `user_id`: whose checkout it is; the cart of anyone else is refused (403) before it is claimed. */
export const checkoutClaimRequestSchema = z.strictObject({ claim_id: clientIdSchema, user_id: userIdSchema });

export const checkoutClaimStatusSchema = z.enum(['active', 'released', 'completed']);

/** The cart's items as they were when the claim was taken: what the checkout buys. */
export const checkoutClaimSchema = z.object({
  session_id: z.string(),
  claim_id: z.string(),
  status: checkoutClaimStatusSchema,
  items: z.array(cartItemSchema),
});

/** Internal gauge source: open carts holding at least one item. */
export const sessionStatsSchema = z.object({ active_carts: z.number().int() });

export type CreateSession = z.infer<typeof createSessionSchema>;
export type Cart = z.infer<typeof cartSchema>;
export type CartItem = z.infer<typeof cartItemSchema>;
export type CartStatus = z.infer<typeof cartStatusSchema>;
export type CartPage = z.infer<typeof cartPageSchema>;
export type ListSessionsQuery = z.infer<typeof listSessionsQuerySchema>;
export type AddCartItem = z.infer<typeof addCartItemSchema>;
export type CheckoutClaim = z.infer<typeof checkoutClaimSchema>;
export type CheckoutClaimStatus = z.infer<typeof checkoutClaimStatusSchema>;
export type SessionStats = z.infer<typeof sessionStatsSchema>;
