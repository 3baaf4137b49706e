import type { GridIssue, GridStatus } from '@zhibu/shared';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { fromNow } from '../../time/dayjs';

const STATUS_COLOR: Record<GridStatus, string> = {
  awaitingRouting: 'default',
  dispatch: 'purple',
  assigned: 'blue',
  accepted: 'cyan',
  awaitingInfo: 'gold',
  resolved: 'green',
  verified: 'green',
  closed: 'default',
};

export function StatusTag({ status }: { status: GridStatus }) {
  const { t } = useTranslation('grid');
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="grid-status">
      {t(`status.${status}`)}
    </Tag>
  );
}

export function CategoryTag({ category }: { category: GridIssue['category'] }) {
  const { t } = useTranslation('grid');
  return (
    <Tag color={category === 'hazard' ? 'red' : category === 'dispute' ? 'orange' : 'geekblue'}>
      {t(`category.${category}`)}
    </Tag>
  );
}

/** The next deadline of an issue, red when it has passed. */
export function DeadlineTag({ issue }: { issue: GridIssue }) {
  const { t } = useTranslation('grid');
  const due = issue.deadlines.firstResponseDue ?? issue.deadlines.resolutionDue;
  if (!due || issue.status === 'closed' || issue.status === 'resolved' || issue.status === 'verified')
    return null;
  const late = Date.parse(due) < Date.now();
  return (
    <Tag color={late ? 'red' : 'default'}>
      {late ? t('overdue') : t('due')} {fromNow(due)}
    </Tag>
  );
}
