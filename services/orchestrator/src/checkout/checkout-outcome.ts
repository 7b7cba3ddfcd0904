/**
 * What a checkout answered 202 (processing) may be said to have done: the payment's outcome is not known yet, and it
 * may still be undone. Never claim money we do not know about. The chat and MCP tools add how to find out.
 */
export function paymentBeingConfirmed(orderId: string) {
  return (
    `The payment for order ${orderId} is being confirmed; the order is not final yet and nothing more is needed. ` +
    'If the payment goes through, the cart is emptied; if not, nothing is charged and the cart is restored.'
  );
}
