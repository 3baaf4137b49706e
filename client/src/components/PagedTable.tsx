import { Table, type TableProps } from 'antd';
import { useErrorMessage } from '../api/errors';
import { CursorPager } from './CursorPager';
import type { useCursorPages } from './useCursorPages';

type Pages<T> = ReturnType<typeof useCursorPages<T>>;

interface Props<T> extends Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination' | 'locale'> {
  /** The cursor pages from `useCursorPages`: rows, loading state, error and the pager's state. */
  pages: Pages<T>;
}

/**
 * A table of one cursor page with the pager under it: rows keyed by `id`, no client-side pagination,
 * the load error (translated) in place of the empty text.
 */
export function PagedTable<T extends { id: string }>({ pages, ...table }: Props<T>) {
  const errorMessage = useErrorMessage();
  return (
    <>
      <Table<T>
        rowKey="id"
        size="middle"
        {...table}
        loading={pages.loading}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
      />
      <CursorPager
        page={pages.page}
        hasPrev={pages.hasPrev}
        hasNext={pages.hasNext}
        total={pages.total}
        onPrev={pages.prev}
        onNext={pages.next}
      />
    </>
  );
}
