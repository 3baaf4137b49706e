import type { LoginResponse, User } from '@zhibu/shared';

/**
 * The signed-in session: tokens and the user. Kept in localStorage so that a reload stays signed in;
 * listeners (the auth context, the socket) hear every change.
 */
export interface Session {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: User;
}

const KEY = 'zhibu.session';
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    typeof v.user === 'object' &&
    v.user !== null
  );
}

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

export const getSession = (): Session | null => current;
export const getAccessToken = (): string | null => current?.accessToken ?? null;

export function setSession(next: Session | LoginResponse | null): void {
  current = next ? { ...next } : null;
  if (current) localStorage.setItem(KEY, JSON.stringify(current));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(current);
}

export function updateSessionUser(user: User): void {
  if (current) setSession({ ...current, user });
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab signed in or out: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== KEY) return;
    current = read();
    for (const listener of listeners) listener(current);
  });
}
