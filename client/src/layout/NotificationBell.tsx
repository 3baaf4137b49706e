import { BellOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Notification } from '@zhibu/shared';
import { Badge, Button, Drawer, Empty, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { notificationKeys, notificationsApi } from '../api/notifications';
import { getSocket } from '../realtime/socket';
import { formatDateTime, fromNow } from '../time/dayjs';

/** The bell in the header: unread count, a drawer with the list, mark read; live when the socket is up. */
export function NotificationBell() {
  const { t } = useTranslation('notifications');
  const [open, setOpen] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();

  const unread = useQuery({
    queryKey: notificationKeys.unread,
    queryFn: notificationsApi.unreadCount,
    // Without a live socket, poll now and then.
    refetchInterval: 60_000,
  });

  const list = useInfiniteQuery({
    queryKey: notificationKeys.list,
    queryFn: ({ pageParam }) => notificationsApi.list(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open,
  });

  useEffect(() => {
    const socket = getSocket();
    const onNotification = () => void client.invalidateQueries({ queryKey: notificationKeys.all });
    socket.on('notification', onNotification);
    // Live pushes are not replayed after a gap: on every (re)connect, read the count and list again.
    socket.on('connect', onNotification);
    return () => {
      socket.off('notification', onNotification);
      socket.off('connect', onNotification);
    };
  }, [client]);

  const invalidate = () => client.invalidateQueries({ queryKey: notificationKeys.all });
  const markRead = useMutation({ mutationFn: notificationsApi.markRead, onSuccess: invalidate });
  const markAll = useMutation({ mutationFn: notificationsApi.markAllRead, onSuccess: invalidate });

  const open1 = (item: Notification) => {
    if (!item.read) markRead.mutate(item.id);
    if (item.link?.startsWith('/')) {
      setOpen(false);
      void navigate(item.link);
    }
  };

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const count = unread.data?.count ?? 0;

  return (
    <>
      <Badge count={count} size="small" overflowCount={99} data-testid="notification-badge">
        <Button
          type="text"
          shape="circle"
          aria-label={t('title')}
          data-testid="notification-bell"
          icon={<BellOutlined style={{ fontSize: 18 }} />}
          onClick={() => setOpen(true)}
        />
      </Badge>
      <Drawer
        title={t('title')}
        open={open}
        onClose={() => setOpen(false)}
        size={400}
        extra={
          <Button
            size="small"
            disabled={count === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            {t('markAllRead')}
          </Button>
        }
      >
        <List<Notification>
          loading={list.isLoading}
          dataSource={items}
          locale={{ emptyText: <Empty description={t('empty')} /> }}
          renderItem={(item) => (
            <List.Item
              style={{ cursor: 'pointer', opacity: item.read ? 0.6 : 1 }}
              onClick={() => open1(item)}
              actions={
                item.read
                  ? []
                  : [
                      <Button
                        key="read"
                        size="small"
                        type="link"
                        onClick={(e) => {
                          e.stopPropagation();
                          markRead.mutate(item.id);
                        }}
                      >
                        {t('markRead')}
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={
                  <Space>
                    {!item.read && <Badge status="processing" />}
                    <Typography.Text strong={!item.read}>{item.title}</Typography.Text>
                  </Space>
                }
                description={
                  <>
                    <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 4 }}>
                      {item.body}
                    </Typography.Paragraph>
                    <Typography.Text type="secondary" title={formatDateTime(item.createdAt)}>
                      {fromNow(item.createdAt)}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
        {list.hasNextPage && (
          <Button block onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('more')}
          </Button>
        )}
      </Drawer>
    </>
  );
}
