import { Button, Result, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { isChunkLoadError, reloadOnceForChunkError } from './chunkReload';

/**
 * The router's `errorElement`: a page that fails to render (or to load its chunk) shows a translated, friendly
 * message with a reload button instead of React Router's developer screen. A chunk that failed to load
 * after a redeploy reloads the page once by itself.
 */
export function RouteError() {
  const { t } = useTranslation('failure');
  const error = useRouteError();
  const chunk = isChunkLoadError(error);
  const [reloading, setReloading] = useState(false);

  useEffect(() => {
    if (chunk && reloadOnceForChunkError()) setReloading(true);
  }, [chunk]);
  useEffect(() => {
    // Kept for whoever debugs it (the console, not the user's screen).
    if (!reloading) console.error(error);
  }, [error, reloading]);

  if (reloading) return <Result status="info" title={t('updating')} data-testid="route-error-reloading" />;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Result
      status={notFound ? '404' : 'error'}
      title={notFound ? t('notFound') : chunk ? t('newVersion') : t('title')}
      subTitle={chunk ? t('newVersionHint') : t('hint')}
      data-testid="route-error"
      extra={
        <Space>
          <Button type="primary" onClick={() => window.location.reload()} data-testid="route-error-reload">
            {t('reload')}
          </Button>
          <Button href="/">{t('home')}</Button>
        </Space>
      }
    />
  );
}
