import { useQueryClient } from '@tanstack/react-query';
import { GridCategories, type GridCategory, type GridStatus, GridStatuses } from '@zhibu/shared';
import { Checkbox, List, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useErrorMessage } from '../../api/errors';
import { CursorPager } from '../../components/CursorPager';
import { useCursorPages } from '../../components/useCursorPages';
import { getSocket } from '../../realtime/socket';
import { formatDateTime } from '../../time/dayjs';
import { gridApi, gridKeys, useDirectory } from './api';
import { CategoryTag, DeadlineTag, StatusTag } from './labels';

export type IssueView = 'mine' | 'department' | 'lawyer' | 'dispatch' | 'grid' | 'public' | 'all';

/** Live event the workers send to `user:<id>` when an issue reaches someone's inbox or changes for them. */
export const GRID_ISSUE_EVENT = 'grid:issue';

/**
 * One inbox (my reports, a department's, a lawyer's, the dispatcher queue…) with filters, deadlines and
 * cursor pages. New issues arrive live: the workers' socket event refreshes the list.
 */
export default function IssueList({
  view,
  departmentIds = [],
}: {
  view: IssueView;
  departmentIds?: string[];
}) {
  const { t } = useTranslation(['grid', 'common']);
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const { gridName, departmentName } = useDirectory();
  const [status, setStatus] = useState<GridStatus | undefined>();
  const [category, setCategory] = useState<GridCategory | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const pages = useCursorPages(
    [...gridKeys.lists, view, { status, category, overdue, departmentId }],
    (cursor) =>
      gridApi.list({
        view,
        status,
        category,
        overdue: overdue || undefined,
        departmentId,
        limit: 20,
        cursor,
      }),
  );

  useEffect(() => {
    const socket = getSocket();
    const refresh = () => void queryClient.invalidateQueries({ queryKey: gridKeys.all });
    socket.on(GRID_ISSUE_EVENT, refresh);
    // Live events are not replayed after a gap: read the lists again on every (re)connect.
    socket.on('connect', refresh);
    return () => {
      socket.off(GRID_ISSUE_EVENT, refresh);
      socket.off('connect', refresh);
    };
  }, [queryClient]);

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('fields.status')}
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={GridStatuses.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <Select
          allowClear
          placeholder={t('fields.category')}
          style={{ width: 140 }}
          value={category}
          onChange={setCategory}
          options={GridCategories.map((c) => ({ value: c, label: t(`category.${c}`) }))}
        />
        {view === 'department' && departmentIds.length > 1 && (
          <Select
            allowClear
            placeholder={t('fields.department')}
            style={{ width: 160 }}
            value={departmentId}
            onChange={setDepartmentId}
            options={departmentIds.map((d) => ({ value: d, label: departmentName(d) }))}
          />
        )}
        <Checkbox checked={overdue} onChange={(e) => setOverdue(e.target.checked)}>
          {t('onlyOverdue')}
        </Checkbox>
      </Space>
      <List
        loading={pages.loading}
        dataSource={pages.items}
        locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : t('empty') }}
        data-testid={`grid-list-${view}`}
        renderItem={(issue) => (
          <List.Item data-testid="grid-issue-row">
            <List.Item.Meta
              title={
                <Space wrap>
                  <Link to={`/grid/issues/${issue.id}`}>{issue.title}</Link>
                  <CategoryTag category={issue.category} />
                  <StatusTag status={issue.status} />
                  <DeadlineTag issue={issue} />
                </Space>
              }
              description={
                <Space wrap split="·">
                  <Typography.Text type="secondary">{issue.address}</Typography.Text>
                  <Typography.Text type="secondary">{gridName(issue.gridId)}</Typography.Text>
                  {issue.target?.departmentId && (
                    <Typography.Text type="secondary">
                      {departmentName(issue.target.departmentId)}
                    </Typography.Text>
                  )}
                  <Typography.Text type="secondary">{formatDateTime(issue.reportedAt)}</Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
      <CursorPager
        page={pages.page}
        hasPrev={pages.hasPrev}
        hasNext={pages.hasNext}
        onPrev={pages.prev}
        onNext={pages.next}
      />
    </>
  );
}
