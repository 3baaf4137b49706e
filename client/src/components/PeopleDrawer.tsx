import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PersonList } from '@zhibu/shared';
import { App, Button, Drawer, Empty, List, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../api/errors';
import { ConfirmLink } from './ConfirmLink';
import { UserPicker } from './UserPicker';

interface Props {
  title: string;
  open: boolean;
  onClose: () => void;
  queryKey: readonly unknown[];
  load: () => Promise<PersonList>;
  add: (userId: string) => Promise<unknown>;
  remove: (userId: string) => Promise<unknown>;
}

/**
 * The set of people attached to something (department staff, grid workers) in a drawer: pick a user to add,
 * remove with a confirmation. The caller gives the query key and the three API calls.
 */
export function PeopleDrawer({ title, open, onClose, queryKey, load, add, remove }: Props) {
  const { t } = useTranslation(['admin', 'common']);
  const [picked, setPicked] = useState<string | null>(null);
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const people = useQuery({ queryKey, queryFn: load, enabled: open });
  const refresh = () => client.invalidateQueries({ queryKey });
  const addOne = useMutation({
    mutationFn: add,
    onSuccess: async () => {
      setPicked(null);
      await refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const removeOne = useMutation({
    mutationFn: remove,
    onSuccess: refresh,
    onError: (e) => message.error(errorMessage(e)),
  });

  return (
    <Drawer title={title} open={open} onClose={onClose} size={420} destroyOnHidden>
      <Space.Compact style={{ width: '100%', marginBottom: 16 }}>
        <UserPicker value={picked} onChange={setPicked} />
        <Button
          type="primary"
          disabled={!picked}
          loading={addOne.isPending}
          onClick={() => picked && addOne.mutate(picked)}
        >
          {t('add')}
        </Button>
      </Space.Compact>
      <List
        loading={people.isLoading}
        dataSource={people.data?.items ?? []}
        locale={{
          emptyText: <Empty description={people.error ? errorMessage(people.error) : t('nobody')} />,
        }}
        renderItem={(p) => (
          <List.Item
            actions={[
              <ConfirmLink
                key="remove"
                title={t('confirmRemovePerson', { name: p.displayName })}
                onConfirm={() => removeOne.mutate(p.userId)}
              >
                {t('common:remove')}
              </ConfirmLink>,
            ]}
          >
            {p.displayName}
          </List.Item>
        )}
      />
    </Drawer>
  );
}
