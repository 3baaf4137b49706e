import { ApartmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../api/org';
import { useAuth } from '../auth/AuthContext';

/** The branches the signed-in user belongs to, shown in the header (or the tagline when none). */
export function MyBranches() {
  const { t } = useTranslation(['common', 'admin']);
  const { user } = useAuth();
  const mine = useQuery({
    queryKey: orgKeys.myMemberships,
    queryFn: orgApi.myMemberships,
    staleTime: 60_000,
    enabled: user !== null && user.role !== 'resident',
  });
  const items = mine.data?.items ?? [];
  if (items.length === 0) return <Typography.Text type="secondary">{t('tagline')}</Typography.Text>;
  return (
    <Space size={4} wrap data-testid="my-branches">
      <ApartmentOutlined style={{ color: '#c8161d' }} />
      {items.map((m) => (
        <Tooltip key={m.id} title={`${t(`admin:roles.${m.role}`)} · ${t(`admin:statuses.${m.status}`)}`}>
          <Tag color={m.virtual ? 'red' : 'default'} variant="filled">
            {m.branchName}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}
