import { Button, Popconfirm } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A small danger link in a table row that asks before acting (remove, revoke…). */
export function ConfirmLink({
  title,
  onConfirm,
  children,
}: {
  title: ReactNode;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation('common');
  return (
    <Popconfirm title={title} onConfirm={onConfirm} okText={t('confirm')} cancelText={t('cancel')}>
      <Button size="small" type="link" danger>
        {children}
      </Button>
    </Popconfirm>
  );
}
