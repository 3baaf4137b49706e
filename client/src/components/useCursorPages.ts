import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { PageOf } from '@zhibu/shared';
import { useEffect, useState } from 'react';

/**
 * Cursor pagination for tables: remembers the cursors of the pages seen so far so that the user can go
 * back, and starts over when the filters change. The API's cursors are opaque; pages are never numbered
 * by offset (an offset skips or repeats rows when rows are added meanwhile).
 */
export function useCursorPages<T>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<PageOf<T>>,
  options: { enabled?: boolean } = {},
) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const keyString = JSON.stringify(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: restart whenever the filters (the key) change
  useEffect(() => setCursors([undefined]), [keyString]);
  const index = cursors.length - 1;
  const cursor = cursors[index];
  const query = useQuery({
    queryKey: [...key, 'page', cursor ?? null],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
  const nextCursor = query.data?.nextCursor ?? null;
  return {
    query,
    /** True while the rows shown are not yet those asked for (first load or another page/filter). */
    loading: query.isLoading || (query.isFetching && query.isPlaceholderData),
    items: query.data?.items ?? [],
    total: query.data?.total,
    page: index + 1,
    hasPrev: index > 0,
    hasNext: nextCursor !== null,
    next: () => {
      if (nextCursor) setCursors((c) => [...c, nextCursor]);
    },
    prev: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}
