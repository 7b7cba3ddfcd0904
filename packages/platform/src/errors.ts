export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: unknown;
}

/** The one error type the services throw; the error handler turns it into a response. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(message: string, details?: unknown) {
    return new AppError(400, 'BAD_REQUEST', message, details);
  }

  static unauthorized(message = 'Authentication required') {
    return new AppError(401, 'UNAUTHORIZED', message);
  }

  static paymentRequired(message: string, details?: unknown) {
    return new AppError(402, 'PAYMENT_DECLINED', message, details);
  }

  static forbidden(message: string) {
    return new AppError(403, 'FORBIDDEN', message);
  }

  static notFound(message: string) {
    return new AppError(404, 'NOT_FOUND', message);
  }

  static conflict(message: string, details?: unknown) {
    return new AppError(409, 'CONFLICT', message, details);
  }

  static unprocessable(message: string, details?: unknown) {
    return new AppError(422, 'UNPROCESSABLE', message, details);
  }

  static upstream(message: string, details?: unknown) {
    return new AppError(502, 'UPSTREAM_ERROR', message, details);
  }

  static upstreamTimeout(message: string) {
    return new AppError(504, 'UPSTREAM_TIMEOUT', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
