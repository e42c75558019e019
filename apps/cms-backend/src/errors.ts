/** The one error type of the API; the error handler turns it into {"error": {code, message, details}}. */
export interface ErrorDetail {
  field: string;
  rule?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) => new ApiError(400, 'BAD_REQUEST', message, details);
export const unauthorized = (message = 'authentication required') => new ApiError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'insufficient permissions') => new ApiError(403, 'FORBIDDEN', message);
export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new ApiError(409, 'CONFLICT', message);
export const unprocessable = (message: string, details?: ErrorDetail[]) =>
  new ApiError(422, 'UNPROCESSABLE', message, details);
