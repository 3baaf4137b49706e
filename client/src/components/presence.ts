import type { Ack, PresenceStatus } from '@zhibu/shared';
import { useEffect, useSyncExternalStore } from 'react';
import { getSocket } from '../realtime/socket';

/**
 * Presence of other people, for every dot on screen. The server keeps one watch list per socket
 * (`presence:watch` replaces it), so this module owns it for the whole tab: each mounted dot adds its user
 * id (reference counted), and the union is sent, debounced, capped at the server's limit. Changes arrive as
 * `presence` events; the list is sent again after every reconnect (`hello`) and once a minute, because a
 * crashed server process's sockets expire silently in Redis and no event announces it.
 */
const MAX_WATCHED = 200; // WatchPresencePayload.userIds maxItems
const REFRESH_MS = 60_000;

const refs = new Map<string, number>();
const statuses = new Map<string, PresenceStatus>();
const listeners = new Set<() => void>();
let version = 0;
let sent = '';
let timer: ReturnType<typeof setTimeout> | undefined;
let wired = false;

function changed() {
  version += 1;
  for (const listener of listeners) listener();
}

function schedule(delayMs: number) {
  clearTimeout(timer);
  timer = setTimeout(flush, delayMs);
}

function flush() {
  const socket = getSocket();
  if (!socket.connected) return; // `hello` sends it once connected
  const userIds = [...refs.keys()].slice(0, MAX_WATCHED);
  const key = userIds.join(',');
  if (key === sent) return;
  sent = key;
  socket
    .timeout(8000)
    .emit(
      'presence:watch',
      { userIds },
      (err: Error | null, ack: Ack<{ statuses: Record<string, PresenceStatus> }>) => {
        if (err || !ack.ok) {
          sent = '';
          return;
        }
        for (const [id, status] of Object.entries(ack.statuses)) statuses.set(id, status);
        changed();
      },
    );
}

function wire() {
  if (wired) return;
  wired = true;
  const socket = getSocket();
  socket.on('presence', (update: { userId: string; status: PresenceStatus }) => {
    if (statuses.get(update.userId) === update.status) return;
    statuses.set(update.userId, update.status);
    changed();
  });
  const resend = () => {
    sent = '';
    if (refs.size > 0) schedule(0);
  };
  socket.on('hello', resend);
  socket.on('disconnect', () => {
    // Nothing live arrives while disconnected: show "unknown" (no dot) rather than a stale status.
    statuses.clear();
    changed();
  });
  setInterval(resend, REFRESH_MS);
}

function watch(userId: string): () => void {
  wire();
  refs.set(userId, (refs.get(userId) ?? 0) + 1);
  if (refs.get(userId) === 1) schedule(150);
  return () => {
    const left = (refs.get(userId) ?? 1) - 1;
    if (left > 0) {
      refs.set(userId, left);
      return;
    }
    refs.delete(userId);
    statuses.delete(userId);
    schedule(1000);
  };
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The user's presence, live; undefined until the server has answered (or beyond the watch limit). */
export function usePresence(userId: string | null | undefined): PresenceStatus | undefined {
  useEffect(() => (userId ? watch(userId) : undefined), [userId]);
  useSyncExternalStore(subscribe, () => version);
  return userId ? statuses.get(userId) : undefined;
}

/** No input for this long, and the tab reports "away" (as it does at once when hidden). */
const IDLE_MS = 5 * 60_000;

/**
 * Reports this tab as away while it is hidden or idle, and online again on the next input. Every new
 * connection starts as online on the server, so an away tab says so again after reconnecting.
 */
export function useReportPresence(): void {
  useEffect(() => {
    const socket = getSocket();
    let status: 'online' | 'away' = 'online';
    let lastInput = Date.now();
    const send = () => {
      if (socket.connected) socket.emit('presence:set', { status }, () => undefined);
    };
    const update = () => {
      const next =
        document.visibilityState === 'hidden' || Date.now() - lastInput > IDLE_MS ? 'away' : 'online';
      if (next === status) return;
      status = next;
      send();
    };
    const onInput = () => {
      lastInput = Date.now();
      if (status === 'away') update();
    };
    const onHello = () => {
      if (status === 'away') send();
    };
    const inputs = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'] as const;
    for (const name of inputs) window.addEventListener(name, onInput, { passive: true });
    document.addEventListener('visibilitychange', update);
    socket.on('hello', onHello);
    const idleTimer = setInterval(update, 30_000);
    update();
    return () => {
      for (const name of inputs) window.removeEventListener(name, onInput);
      document.removeEventListener('visibilitychange', update);
      socket.off('hello', onHello);
      clearInterval(idleTimer);
      // Leaving the area means someone is using the app: back to the server's default.
      if (status === 'away') {
        status = 'online';
        send();
      }
    };
  }, []);
}
