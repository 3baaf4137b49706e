import { useQuery } from '@tanstack/react-query';
import type { GridEvent } from '@zhibu/shared';
import { Alert, Card, Descriptions, Rate, Space, Spin, Timeline, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useErrorMessage } from '../../api/errors';
import { useUserNames } from '../../api/users';
import { useAuth } from '../../auth/AuthContext';
import { getSocket } from '../../realtime/socket';
import { formatDateTime } from '../../time/dayjs';
import { ActionPanel } from './ActionPanel';
import { gridApi, gridKeys, useDirectory, useGridMe } from './api';
import { GRID_ISSUE_EVENT } from './IssueList';
import { CategoryTag, DeadlineTag, StatusTag } from './labels';
import { PhotoGallery } from './photos';

/** One line of the timeline: what happened, with its text (answers, reasons, outcome). */
function EventLine({ e }: { e: GridEvent }) {
  const { t } = useTranslation('grid');
  const { departmentName } = useDirectory();
  const name = useUserNames();
  const d = e.data;
  let detail = '';
  switch (d.type) {
    case 'routed':
      detail =
        d.target.kind === 'department'
          ? departmentName(d.target.departmentId)
          : d.target.kind === 'lawyer'
            ? name(d.target.lawyerId)
            : t('dispatcherQueue');
      detail += ` — ${d.reason}`;
      break;
    case 'infoRequested':
      detail = d.question;
      break;
    case 'infoProvided':
      detail = d.answer;
      break;
    case 'returned':
      detail = d.reason;
      break;
    case 'extensionRequested':
      detail = `${t('workingDaysN', { count: d.workingDays })} — ${d.reason}`;
      break;
    case 'extensionDecided':
      detail = d.approved ? t('approved') : t('rejected');
      break;
    case 'handedOver':
      detail = `${departmentName(d.departmentId)}（${t('fields.leadDepartment')}：${departmentName(d.leadDepartmentId)}）— ${d.reason}`;
      break;
    case 'resolved':
      detail =
        d.outcome +
        (d.mediationSucceeded === null
          ? ''
          : ` — ${d.mediationSucceeded ? t('mediationOk') : t('mediationFailed')}`);
      break;
    case 'replied':
      detail = d.body;
      break;
    case 'verified':
      detail = `${d.ok ? t('verifiedOk') : t('verifiedNotOk')} — ${d.comment}`;
      break;
    case 'rated':
      detail = `${'★'.repeat(d.score)} ${d.comment}`;
      break;
    case 'escalated':
      detail = t(`deadline.${d.deadline}`);
      break;
    case 'reported':
    case 'accepted':
      break;
  }
  const label = d.type === 'escalated' ? t(`escalation.${d.step}`) : t(`event.${d.type}`);
  return (
    <Space direction="vertical" size={0}>
      <Typography.Text strong>{label}</Typography.Text>
      {detail && <Typography.Text>{detail}</Typography.Text>}
      {d.type === 'verified' && <PhotoGallery ids={d.photos} />}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatDateTime(e.at)}
        {e.actorId ? ` · ${name(e.actorId)}` : ''}
      </Typography.Text>
    </Space>
  );
}

/** 事项详情: the issue, its deadlines, its whole timeline and what the viewer may do next. */
export default function IssueDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('grid');
  const { user } = useAuth();
  const errorMessage = useErrorMessage();
  const me = useGridMe();
  const { gridName, departmentName } = useDirectory();
  const name = useUserNames();
  const query = useQuery({
    queryKey: gridKeys.detail(id),
    queryFn: () => gridApi.detail(id),
    enabled: Boolean(id),
  });

  // The workers push a `grid:issue` event when this issue changes for the viewer; refetch then.
  useEffect(() => {
    const socket = getSocket();
    const onIssue = (payload: { id?: string }) => {
      if (payload?.id === id) void query.refetch();
    };
    socket.on(GRID_ISSUE_EVENT, onIssue);
    return () => {
      socket.off(GRID_ISSUE_EVENT, onIssue);
    };
  }, [id, query]);

  if (query.isLoading) return <Spin />;
  if (query.error || !query.data) return <Alert type="error" message={errorMessage(query.error)} />;
  const issue = query.data;
  const target = issue.target;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card
        title={
          <Space wrap>
            <span data-testid="grid-issue-title">{issue.title}</span>
            <CategoryTag category={issue.category} />
            <StatusTag status={issue.status} />
            <DeadlineTag issue={issue} />
          </Space>
        }
      >
        <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small">
          <Descriptions.Item label={t('fields.description')}>{issue.description}</Descriptions.Item>
          <Descriptions.Item label={t('fields.address')}>{issue.address}</Descriptions.Item>
          <Descriptions.Item label={t('fields.grid')}>{gridName(issue.gridId)}</Descriptions.Item>
          <Descriptions.Item label={t('fields.reportedAt')}>
            {formatDateTime(issue.reportedAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.reporter')}>
            {issue.reporterId ? name(issue.reporterId) : t('anonymous')}
            {issue.contact ? ` · ${issue.contact}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.handler')}>
            {target?.kind === 'department'
              ? departmentName(target.departmentId)
              : target?.kind === 'lawyer'
                ? name(target.lawyerId)
                : target?.kind === 'dispatcher'
                  ? t('dispatcherQueue')
                  : '—'}
          </Descriptions.Item>
          {issue.suggestedCategory && (
            <Descriptions.Item label={t('fields.suggestedCategory')}>
              {t(`category.${issue.suggestedCategory}`)}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('fields.firstResponseDue')}>
            {formatDateTime(issue.deadlines.firstResponseDue)}
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.resolutionDue')}>
            {formatDateTime(issue.deadlines.resolutionDue)}
          </Descriptions.Item>
          {issue.outcome && (
            <Descriptions.Item label={t('fields.outcome')}>
              <span data-testid="grid-outcome">{issue.outcome}</span>
            </Descriptions.Item>
          )}
          {issue.rating !== null && (
            <Descriptions.Item label={t('fields.rating')}>
              <Rate disabled value={issue.rating} />
            </Descriptions.Item>
          )}
        </Descriptions>
        <PhotoGallery ids={issue.photos} />
        {me.data && user && (
          <div style={{ marginTop: 16 }}>
            <ActionPanel issue={issue} me={me.data} userId={user.id} />
          </div>
        )}
      </Card>
      <Card title={t('timeline')}>
        <Timeline
          data-testid="grid-timeline"
          items={issue.timeline.map((e) => ({
            key: e.version,
            color: e.data.type === 'escalated' ? 'red' : e.data.type === 'resolved' ? 'green' : 'blue',
            children: <EventLine e={e} />,
          }))}
        />
      </Card>
    </Space>
  );
}
