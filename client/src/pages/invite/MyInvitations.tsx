import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { refreshSession } from '../../api/http';
import { orgKeys } from '../../api/org';
import { formatDateTime } from '../../time/dayjs';
import { myInvitationKeys, myInvitationsApi } from './api';

/**
 * `/invitations`: the pending invitations addressed to the signed-in account, each accepted with one click.
 * A person who already has an account is invited by username or mobile and never gets the link's token;
 * the "you are invited" notification opens this page.
 */
export default function MyInvitationsPage() {
  const { t } = useTranslation(['invite', 'admin']);
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const client = useQueryClient();
  const list = useQuery({ queryKey: myInvitationKeys.list, queryFn: myInvitationsApi.list });
  const accept = useMutation({
    mutationFn: (id: string) => myInvitationsApi.accept(id),
    onSuccess: async (result) => {
      message.success(t('accepted', { branch: result.branch.name }));
      // A resident who joins a branch becomes a member: new tokens carry the new role (and the navigation follows).
      await refreshSession();
      await Promise.all([
        client.invalidateQueries({ queryKey: myInvitationKeys.list }),
        client.invalidateQueries({ queryKey: orgKeys.myMemberships }),
        client.invalidateQueries({ queryKey: orgKeys.myPositions }),
      ]);
    },
    onError: async (e) => {
      message.error(errorMessage(e));
      await client.invalidateQueries({ queryKey: myInvitationKeys.list });
    },
  });

  return (
    <div className="zb-page" style={{ maxWidth: 720 }}>
      <Typography.Title level={4}>{t('title')}</Typography.Title>
      <Card>
        <List
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          data-testid="my-invitations"
          locale={{
            emptyText: <Empty description={list.error ? errorMessage(list.error) : t('none')} />,
          }}
          renderItem={(inv) => (
            <List.Item
              data-invitation-id={inv.id}
              actions={[
                <Button
                  key="accept"
                  type="primary"
                  loading={accept.isPending && accept.variables === inv.id}
                  disabled={accept.isPending}
                  onClick={() => accept.mutate(inv.id)}
                >
                  {t('accept')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={t('invitedTo', { branch: inv.branchName, inviter: inv.inviterName })}
                description={
                  <>
                    <div>
                      {t(`admin:roles.${inv.role}`)} · {t(`admin:statuses.${inv.status}`)}
                    </div>
                    <Typography.Text type="secondary">
                      {t('expires', { at: formatDateTime(inv.expiresAt) })}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Card>
    </div>
  );
}
