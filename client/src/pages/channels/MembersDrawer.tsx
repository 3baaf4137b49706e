import { Drawer, List } from 'antd';
import { useTranslation } from 'react-i18next';
import { PresenceDot } from '../../components/PresenceDot';

/** The channel's members (the first page the view already loaded), each with a live presence dot. */
export function MembersDrawer({
  members,
  me,
  loading,
  onClose,
}: {
  members: readonly { id: string; displayName: string }[];
  me: string;
  loading: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation('channels');
  return (
    <Drawer open onClose={onClose} title={t('memberList')} width={320}>
      <List
        loading={loading}
        dataSource={[...members]}
        data-testid="member-list"
        renderItem={(m) => (
          <List.Item data-user-id={m.id}>
            <span className="zb-chat-member">
              <PresenceDot userId={m.id} />
              {m.displayName}
              {m.id === me && ` ${t('you')}`}
            </span>
          </List.Item>
        )}
      />
    </Drawer>
  );
}
