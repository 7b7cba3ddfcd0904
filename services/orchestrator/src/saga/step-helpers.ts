import { isUnanswered } from '@ecomm/contracts';
import { AppError, isAppError } from '@ecomm/platform';

/** A compensation whose target never came to exist has nothing to undo. */
export async function unlessAbsent(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (isAppError(error) && error.statusCode === 404) return;
    throw error;
  }
}

/** No answer from the service, or its answer that the same call (same key) is still being processed. */
export function unanswered(error: unknown) {
  return isAppError(error) && isUnanswered(error.code);
}

export function required<Value>(value: Value | undefined, what: string): Value {
  if (value === undefined) throw new AppError(500, 'SAGA_STATE_MISSING', `Saga state is missing its ${what}`);
  return value;
}
