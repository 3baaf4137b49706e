import { type Static, Type } from '@sinclair/typebox';

/**
 * The one error catalogue. Every error a client can see has a stable `code`, an HTTP status and a
 * default message. Add codes here; never invent a code string at a call site.
 */
export const ErrorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  BAD_REQUEST: { status: 400, message: 'The request cannot be processed' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  TOKEN_EXPIRED: { status: 401, message: 'The token has expired' },
  TOKEN_INVALID: { status: 401, message: 'The token is not valid' },
  REFRESH_REUSED: { status: 401, message: 'This session was revoked; sign in again' },
  FORBIDDEN: { status: 403, message: 'You may not do this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  CONFLICT: { status: 409, message: 'This conflicts with existing data' },
  USERNAME_TAKEN: { status: 409, message: 'This username is taken' },
  MOBILE_TAKEN: { status: 409, message: 'This mobile number is taken' },
  ALREADY_MEMBER: { status: 409, message: 'Already a member' },
  INVITATION_INVALID: { status: 410, message: 'This invitation is not valid, used or expired' },
  INVITATION_ALREADY_ACCEPTED: { status: 409, message: 'This invitation was already accepted' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  INVALID_STATE: { status: 409, message: 'Not allowed in the current state' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again later' },
  LOGIN_LOCKED: { status: 429, message: 'Too many sign-in attempts; try again later' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'A service we depend on is not available' },
  EXPORT_FONT_MISSING: { status: 503, message: 'The CJK font for PDF export is not installed' },
  MESSAGE_TOO_LONG: { status: 400, message: 'The message is too long' },
  MESSAGE_EMPTY: { status: 400, message: 'The message is empty' },
  SEND_RATE_LIMITED: { status: 429, message: 'You are sending too fast; wait a moment' },
  SLOW_MODE: { status: 429, message: 'Slow mode is on in this channel; wait before posting again' },
  CHANNEL_MUTED: { status: 403, message: 'You are muted in this channel for now' },
  CHANNEL_ARCHIVED: { status: 409, message: 'This channel is archived' },
  MENTION_ALL_FORBIDDEN: { status: 403, message: 'You may not use @all in this channel' },
  MENTION_ALL_TOO_MANY: { status: 403, message: 'This channel has too many members for @all' },
  ATTACHMENT_TOO_LARGE: { status: 413, message: 'The file is too large' },
  ATTACHMENT_TYPE: { status: 415, message: 'This file type is not accepted' },
  UNKNOWN_EVENT: { status: 400, message: 'Unknown event' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCatalogue;

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable error code from the catalogue' }),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'Path of the offending field, e.g. body.username' }),
          reason: Type.String(),
        }),
      ),
    ),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;
