import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

interface Props {
  page: number;
  hasPrev: boolean;
  hasNext: boolean;
  total?: number;
  onPrev: () => void;
  onNext: () => void;
}

/** Previous / next for cursor-paginated lists. */
export function CursorPager({ page, hasPrev, hasNext, total, onPrev, onNext }: Props) {
  const { t } = useTranslation('common');
  return (
    <Space style={{ marginTop: 16, display: 'flex', justifyContent: 'flex-end' }}>
      {total !== undefined && (
        <Typography.Text type="secondary">{t('total', { count: total })}</Typography.Text>
      )}
      <Button
        size="small"
        icon={<LeftOutlined />}
        disabled={!hasPrev}
        onClick={onPrev}
        aria-label={t('prev')}
      >
        {t('prev')}
      </Button>
      <Typography.Text>{t('page', { page })}</Typography.Text>
      <Button size="small" disabled={!hasNext} onClick={onNext} aria-label={t('next')}>
        {t('next')} <RightOutlined />
      </Button>
    </Space>
  );
}
