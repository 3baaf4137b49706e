import { useQuery } from '@tanstack/react-query';
import type { CreateUserBody, User, UserListQuery, UserPage } from '@zhibu/shared';
import { useSyncExternalStore } from 'react';
import { api, type Query } from './http';

/**
 * The user directory (`GET /api/v1/users?q=&role=&limit=`, admins) for pickers, and the names behind
 * user ids. Lists that reference people by id only (a grid's leader, a department's head) show names the
 * client has already seen — from searches, member and staff lists — and a short id otherwise.
 */
export const usersApi = {
  list: async (query: Partial<UserListQuery> & Query) => {
    const page = await api<UserPage>('/api/v1/users', { query });
    rememberUsers(page.items);
    return page;
  },
  search: (q: string) => usersApi.list({ q, limit: 20 }),
  create: async (body: CreateUserBody) => {
    const user = await api<User>('/api/v1/users', { method: 'POST', body });
    rememberUsers([user]);
    return user;
  },
};

const known = new Map<string, string>();
const listeners = new Set<() => void>();
let version = 0;

/** Records display names seen in any list, so that ids elsewhere can show them. */
export function rememberUsers(users: readonly { id: string; displayName: string }[]): void {
  let changed = false;
  for (const u of users) {
    if (u.displayName && known.get(u.id) !== u.displayName) {
      known.set(u.id, u.displayName);
      changed = true;
    }
  }
  if (!changed) return;
  version += 1;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A function from user id to display name (or a short id when the name has not been seen). For those who
 * may read the directory, its first page is loaded once so that small organizations see every name.
 * Org responses name their own leaders and heads (`leaderName`, `headName`), so the admin pages do not use
 * this; the grid issue pages still do (reporters, actors), until grid responses carry names too.
 */
export function useUserNames(): (id: string | null | undefined) => string {
  useSyncExternalStore(subscribe, () => version);
  useQuery({
    queryKey: ['users', 'directory-names'],
    queryFn: () => usersApi.list({ limit: 200 }),
    staleTime: 5 * 60_000,
    retry: false,
  });
  return (id) => (id ? (known.get(id) ?? `#${id.slice(-6)}`) : '—');
}
