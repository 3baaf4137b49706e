import { ErrorCatalogue, type ErrorCode } from '@zhibu/shared';

export interface FieldProblem {
  field: string;
  reason: string;
}

/** An error with a stable code from the shared catalogue. Services throw it; the error handler maps it. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: FieldProblem[],
  ) {
    super(message ?? ErrorCatalogue[code].message);
    this.name = 'AppError';
    this.status = ErrorCatalogue[code].status;
  }
}

export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', what);
export const forbidden = (why?: string) => new AppError('FORBIDDEN', why);
export const invalidState = (why: string) => new AppError('INVALID_STATE', why);
