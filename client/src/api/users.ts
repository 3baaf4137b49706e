import { useQuery } from '@tanstack/react-query';
import { api } from './http';

/**
 * User lookup for pickers (leader, staff, lawyers, grid workers) and for showing names behind ids.
 * Expects `GET /api/v1/users?q=&ids=&limit=` → `{ items: UserSummary[] }` (admins and committee admins).
 */
export interface UserSummary {
  id: string;
  displayName: string;
  username: string | null;
}

export const usersApi = {
  search: (q: string) => api<{ items: UserSummary[] }>('/api/v1/users', { query: { q, limit: 20 } }),
  byIds: (ids: readonly string[]) =>
    api<{ items: UserSummary[] }>('/api/v1/users', { query: { ids: ids.join(','), limit: 200 } }),
};

/** Display names for a set of user ids; unknown ids (or no lookup permission) show a short id. */
export function useUserNames(
  ids: readonly (string | null | undefined)[],
): (id: string | null | undefined) => string {
  const unique = [
    ...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0)),
  ].sort();
  const query = useQuery({
    queryKey: ['users', 'by-ids', unique],
    queryFn: () => usersApi.byIds(unique),
    enabled: unique.length > 0,
    staleTime: 60_000,
    retry: false,
  });
  const names = new Map((query.data?.items ?? []).map((u) => [u.id, u.displayName]));
  return (id) => (id ? (names.get(id) ?? `#${id.slice(-6)}`) : '—');
}
