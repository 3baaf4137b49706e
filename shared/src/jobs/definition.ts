import type { Static, TSchema } from '@sinclair/typebox';

/**
 * A background job kind: which queue it runs on, its payload schema (validated by the worker before it
 * does anything) and a deterministic job id, so that enqueuing the same work twice has one effect.
 * BullMQ refuses custom ids containing ":", so ids use "_" as separator.
 */
export interface JobDefinition<S extends TSchema = TSchema> {
  queue: string;
  name: string;
  payload: S;
  /** Method syntax on purpose: a list of definitions of different payloads stays assignable. */
  jobId(payload: Static<S>): string;
  /** Attempts before the job is failed for good (default 5), with exponential backoff from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
}

export const defineJob = <S extends TSchema>(def: JobDefinition<S>): JobDefinition<S> => def;

export type JobPayload<D> = D extends JobDefinition<infer S> ? Static<S> : never;

/** Queue names, one place. A worker process runs one BullMQ Worker per queue. */
export const QueueNames = { notifications: 'notifications' } as const;
export type QueueName = (typeof QueueNames)[keyof typeof QueueNames];
