import { z } from 'zod';
import { accessTokenSchema, credentialsSchema, setUserRoleSchema, userProfileSchema } from './auth.js';
import { chatRequestSchema, chatResponseSchema } from './chat.js';
import {
  checkoutProcessingSchema,
  checkoutReceiptSchema,
  receiptLineSchema,
  sagaRunViewSchema,
  sagaStepViewSchema,
} from './orchestrator.js';
import { orderLineSchema, orderPageSchema, orderSchema } from './order.js';
import { paymentListSchema, paymentSchema } from './payment.js';
import {
  createProductSchema,
  productPageSchema,
  productSchema,
  reservationSchema,
  reservedLineSchema,
} from './product.js';
import { cartItemSchema, cartPageSchema, cartSchema, checkoutClaimSchema } from './session.js';

/**
 * The shapes the API documents name: the OpenAPI generator turns each into a component and refers to it by this id.
 * A registry of our own rather than zod's global one, so no other consumer of the schemas sees these ids.
 */
export const apiComponents = z.registry<{ id: string }>();

const named: Record<string, z.ZodType> = {
  Credentials: credentialsSchema,
  UserProfile: userProfileSchema,
  AccessToken: accessTokenSchema,
  UserRoleChange: setUserRoleSchema,
  Product: productSchema,
  NewProduct: createProductSchema,
  ProductPage: productPageSchema,
  Reservation: reservationSchema,
  ReservedLine: reservedLineSchema,
  CartItem: cartItemSchema,
  Cart: cartSchema,
  CartPage: cartPageSchema,
  CheckoutClaim: checkoutClaimSchema,
  OrderLine: orderLineSchema,
  Order: orderSchema,
  OrderPage: orderPageSchema,
  Payment: paymentSchema,
  PaymentList: paymentListSchema,
  ReceiptLine: receiptLineSchema,
  CheckoutReceipt: checkoutReceiptSchema,
  CheckoutProcessing: checkoutProcessingSchema,
  SagaStep: sagaStepViewSchema,
  SagaRun: sagaRunViewSchema,
  ChatRequest: chatRequestSchema,
  ChatResponse: chatResponseSchema,
};
for (const [id, schema] of Object.entries(named)) apiComponents.add(schema, { id });
