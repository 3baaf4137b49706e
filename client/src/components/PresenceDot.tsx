import type { PresenceStatus } from '@zhibu/shared';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { usePresence } from './presence';

const COLORS: Record<PresenceStatus, string> = {
  online: '#52c41a',
  away: '#faad14',
  offline: '#bfbfbf',
};

/**
 * A live presence dot (online green, away amber, offline grey) for one person; nothing while unknown.
 * `overlay` places it on the lower right corner of the avatar it is wrapped around (see `PresenceAvatar`).
 */
export function PresenceDot({ userId, overlay = false }: { userId: string; overlay?: boolean }) {
  const { t } = useTranslation('common');
  const status = usePresence(userId);
  if (!status) {
    // Unknown (not answered yet, or beyond the watch limit): keep the space in a list, show nothing.
    return overlay ? null : <span style={{ display: 'inline-block', width: 8, marginInlineEnd: 6 }} />;
  }
  const style: CSSProperties = {
    display: 'inline-block',
    width: 8,
    height: 8,
    borderRadius: '50%',
    background: COLORS[status],
    boxShadow: '0 0 0 2px #fff',
    flex: 'none',
    ...(overlay
      ? { position: 'absolute', right: 0, bottom: 0 }
      : { marginInlineEnd: 6, verticalAlign: 'middle' }),
  };
  const label = t(`presence.${status}`);
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      style={style}
      data-testid="presence-dot"
      data-user-id={userId}
      data-status={status}
    />
  );
}
