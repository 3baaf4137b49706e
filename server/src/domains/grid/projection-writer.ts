import type { FastifyBaseLogger } from 'fastify';
import type { IssueState } from './projection.js';

export interface ProjectionWriter {
  /** Writes the projection of `state` at once (an API caller reads it next); rejects if the write fails. */
  now(state: IssueState): Promise<void>;
  /** Queues the projection of `state`; the returned promise settles once it (or a newer state) is written. */
  later(state: IssueState): Promise<void>;
  /** Settles when nothing queued or being written remains for this issue (at once if nothing is). */
  settled(issueId: string): Promise<void>;
  /** Settles when every queued projection is written: call before closing the database. */
  drain(): Promise<void>;
  readonly pending: number;
}

interface Entry {
  state: IssueState;
  done: (() => void)[];
}

/**
 * Writes `grid_issues` projections off the caller's path, for the routing hot path: the event is the
 * record and is stored before this is called; the projection is a cache of it. States of one issue
 * coalesce while it waits (only the newest is written), at most `maxInFlight` writes run at once, and one
 * issue never has two writes running. A failed write is logged, not retried: the sweeper rewrites every
 * projection older than its log, as it does after a crash that lost this in-memory queue.
 */
export function createProjectionWriter(
  save: (state: IssueState) => Promise<void>,
  log: FastifyBaseLogger,
  options: { maxInFlight?: number } = {},
): ProjectionWriter {
  const maxInFlight = options.maxInFlight ?? 3;
  const queued = new Map<string, Entry>();
  const writing = new Map<string, Entry>();
  /** Writes made with `now`, outside the queue and its limit (API calls are few and must not wait on it). */
  const direct = new Map<string, Entry>();
  let idle: (() => void)[] = [];

  function pump(): void {
    for (const [id, entry] of queued) {
      if (writing.size >= maxInFlight) return;
      if (writing.has(id)) continue;
      queued.delete(id);
      writing.set(id, entry);
      save(entry.state)
        .catch((error: unknown) =>
          log.warn({ err: error, issueId: id }, 'grid projection write failed; the sweeper repairs it'),
        )
        .finally(() => {
          writing.delete(id);
          for (const done of entry.done) done();
          pump();
          if (writing.size === 0 && queued.size === 0) {
            for (const done of idle) done();
            idle = [];
          }
        });
    }
  }

  return {
    now(state) {
      const entry: Entry = { state, done: [] };
      direct.set(state.id, entry);
      return save(state).finally(() => {
        if (direct.get(state.id) === entry) direct.delete(state.id);
        for (const done of entry.done) done();
      });
    },
    later(state) {
      return new Promise<void>((resolve) => {
        const entry = queued.get(state.id);
        if (entry) {
          if (state.version > entry.state.version) entry.state = state;
          entry.done.push(resolve);
          return;
        }
        queued.set(state.id, { state, done: [resolve] });
        pump();
      });
    },
    async settled(issueId) {
      const entries = [queued.get(issueId), writing.get(issueId), direct.get(issueId)];
      await Promise.all(
        entries.map((entry) => (entry ? new Promise<void>((resolve) => entry.done.push(resolve)) : null)),
      );
    },
    drain() {
      if (writing.size === 0 && queued.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    get pending() {
      return queued.size + writing.size;
    },
  };
}
