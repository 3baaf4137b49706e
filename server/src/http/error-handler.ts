import { type ErrorBody, ErrorCatalogue } from '@zhibu/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type FieldProblem } from './app-error.js';

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldOf(context: string | undefined, issue: AjvIssue): string {
  const segments = issue.instancePath.split('/').filter(Boolean);
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
    segments.push(issue.params.missingProperty);
  }
  if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
    segments.push(issue.params.additionalProperty);
  }
  return [context ?? 'body', ...segments].join('.');
}

function reasonOf(issue: AjvIssue): string {
  if (issue.keyword === 'additionalProperties') return 'unknown field';
  if (issue.keyword === 'required') return 'is required';
  return issue.message ?? issue.keyword;
}

/** The one place where errors become HTTP responses. 5xx details never leave the server. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (error instanceof AppError) {
      status = error.status;
      body = { code: error.code, message: error.message, details: error.details };
    } else if ('validation' in error && error.validation) {
      const details: FieldProblem[] = (error.validation as AjvIssue[]).map((issue) => ({
        field: fieldOf(error.validationContext, issue),
        reason: reasonOf(issue),
      }));
      status = 400;
      const first = details[0];
      body = {
        code: 'VALIDATION_FAILED',
        message: first ? `${first.field} ${first.reason}` : ErrorCatalogue.VALIDATION_FAILED.message,
        details,
      };
    } else if (error.statusCode === 429) {
      status = 429;
      body = { code: 'RATE_LIMITED', message: ErrorCatalogue.RATE_LIMITED.message };
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      body = { code: 'PAYLOAD_TOO_LARGE', message: ErrorCatalogue.PAYLOAD_TOO_LARGE.message };
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      status = 415;
      body = { code: 'UNSUPPORTED_MEDIA_TYPE', message: ErrorCatalogue.UNSUPPORTED_MEDIA_TYPE.message };
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own 4xx (malformed JSON, empty body…): safe to pass the message on.
      status = error.statusCode;
      body = { code: 'BAD_REQUEST', message: error.message };
    } else {
      status = 500;
      request.log.error({ err: error }, 'unhandled error');
      body = { code: 'INTERNAL', message: ErrorCatalogue.INTERNAL.message };
    }
    body.requestId = request.id;
    if (status >= 500 && status !== 500) request.log.error({ err: error }, 'server error');
    void reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      code: 'ROUTE_NOT_FOUND',
      message: `${request.method} ${request.url.split('?')[0]} does not exist`,
      requestId: request.id,
    });
  });
}
