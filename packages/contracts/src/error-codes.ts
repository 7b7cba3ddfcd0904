/**
 * Marks of a code. `retryable`: the refusal may pass by itself, so asking again later can succeed. `unanswered`: the
 * caller cannot tell whether its request took effect (no answer came, or the same request is still running).
 */
interface ErrorTraits {
  retryable?: true;
  unanswered?: true;
}

/** Every `code` an error response of this system carries; the one place a code is spelled and judged. */
const errorTraits = {
  // Refusals that may pass by themselves.
  IDEMPOTENCY_IN_PROGRESS: { retryable: true, unanswered: true },
  RATE_LIMITED: { retryable: true },
  SERVICE_BUSY: { retryable: true },
  UPSTREAM_TIMEOUT: { retryable: true, unanswered: true },
  UPSTREAM_UNAVAILABLE: { retryable: true, unanswered: true },
  INJECTED_FAULT: { retryable: true },
  // The chassis: malformed requests, access, failures.
  BAD_REQUEST: {},
  VALIDATION_FAILED: {},
  INVALID_VALUE: {},
  UNAUTHORIZED: {},
  FORBIDDEN: {},
  NOT_FOUND: {},
  ROUTE_NOT_FOUND: {},
  METHOD_NOT_ALLOWED: {},
  CONFLICT: {},
  UNPROCESSABLE: {},
  INTERNAL_ERROR: {},
  UPSTREAM_ERROR: {},
  UPSTREAM_REJECTED: {},
  // Domain refusals.
  SESSION_BELONGS_TO_ANOTHER_USER: {},
  INSUFFICIENT_STOCK: {},
  PAYMENT_DECLINED: {},
  PAYMENT_GATEWAY_ERROR: {},
  ORDER_VOIDED: {},
  REFUND_EXCEEDS_PAYMENT: {},
  REFUND_ALREADY_MADE: {},
  ORDER_NOT_PAID: {},
  ORDER_CANCELLING: {},
  ORDER_CANCELLED: {},
  ORDER_SHIPPED: {},
  ORDER_RETURNED: {},
  ORDER_NOT_DELIVERED: {},
  RETURN_WINDOW_CLOSED: {},
  NOT_IN_ORDER: {},
  RETURN_QUANTITY_EXCEEDED: {},
  // Checkout and its saga.
  CHECKOUT_NOT_POSSIBLE: {},
  CHECKOUT_TIMED_OUT: {},
  CHECKOUT_INTERRUPTED: {},
  CART_CHANGED: {},
  RESERVATION_RELEASED: {},
  INTERRUPTED: {},
  DEADLINE_EXCEEDED: {},
  STEP_FAILED: {},
  SAGA_STATE_MISSING: {},
  INJECTED_REJECTION: {},
  TOOL_CONTEXT_MISSING: {},
} as const satisfies Record<string, ErrorTraits>;

export type ErrorCode = keyof typeof errorTraits;

/** The codes by name, so code compares a constant the compiler checks, never a hand-spelled string. */
export const errorCodes = Object.fromEntries(Object.keys(errorTraits).map((code) => [code, code])) as {
  readonly [Code in ErrorCode]: Code;
};

const traitsOf = (code: string): ErrorTraits => (errorTraits as Record<string, ErrorTraits>)[code] ?? {};

// A gateway that failed or gave up, or a service that is not answering for now.
const transientStatuses = new Set([502, 503, 504]);

/** Whether asking again later can succeed: a transient status, or a refusal that passes by itself. */
export function isRetryable(failure: { statusCode: number; code: string }) {
  return transientStatuses.has(failure.statusCode) || traitsOf(failure.code).retryable === true;
}

/** Whether the caller cannot tell if its request took effect, so it must look before acting again. */
export function isUnanswered(code: string) {
  return traitsOf(code).unanswered === true;
}
