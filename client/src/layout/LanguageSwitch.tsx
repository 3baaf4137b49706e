import { GlobalOutlined } from '@ant-design/icons';
import type { Locale } from '@zhibu/shared';
import { App, Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../api/errors';
import { useAuth } from '../auth/AuthContext';
import { LOCALES } from '../i18n';

const LABELS: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

export function LanguageSwitch() {
  const { i18n, t } = useTranslation('common');
  const { setLocale } = useAuth();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const current = (LOCALES as readonly string[]).includes(i18n.language)
    ? (i18n.language as Locale)
    : 'zh-CN';
  return (
    <Dropdown
      menu={{
        selectedKeys: [current],
        items: LOCALES.map((l) => ({ key: l, label: LABELS[l] })),
        onClick: ({ key }) => {
          setLocale(key as Locale).catch((e: unknown) => message.error(errorMessage(e)));
        },
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} aria-label={t('language')} data-testid="language-switch">
        {LABELS[current]}
      </Button>
    </Dropdown>
  );
}
