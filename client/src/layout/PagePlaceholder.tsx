import { Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** What an area shows before its pages exist. */
export function PagePlaceholder({ area }: { area: string }) {
  const { t } = useTranslation('nav');
  return (
    <div className="zb-page">
      <Typography.Title level={3}>{t(area)}</Typography.Title>
      <Empty description={t('comingSoon')} style={{ marginTop: 64 }} />
    </div>
  );
}
