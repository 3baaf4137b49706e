import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Empty, Input, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { formatDateTime } from '../../time/dayjs';
import { docKeys, documentsApi } from './api';
import { VersionPreview } from './VersionPreview';

/** Named and automatic versions: a read-only preview of each, restore as a new edit, save the current state. */
export function VersionsDrawer(props: {
  open: boolean;
  onClose: () => void;
  documentId: string;
  canRestore: boolean;
}) {
  const { open, onClose, documentId, canRestore } = props;
  const { t } = useTranslation('documents');
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const client = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState('');

  const versions = useInfiniteQuery({
    queryKey: docKeys.versions(documentId),
    queryFn: ({ pageParam }) => documentsApi.versions(documentId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open,
  });
  const preview = useQuery({
    queryKey: docKeys.version(documentId, selected ?? ''),
    queryFn: () => documentsApi.version(documentId, selected ?? ''),
    enabled: open && selected !== null,
  });

  const save = useMutation({
    mutationFn: () => documentsApi.nameVersion(documentId, name.trim()),
    onSuccess: () => {
      setName('');
      message.success(t('versions.saved'));
      void client.invalidateQueries({ queryKey: docKeys.versions(documentId) });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const restore = useMutation({
    mutationFn: (versionId: string) => documentsApi.restore(documentId, versionId),
    onSuccess: () => {
      message.success(t('versions.restored'));
      void client.invalidateQueries({ queryKey: docKeys.versions(documentId) });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const items = versions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('versions.title')}
      size="large"
      data-testid="versions-drawer"
    >
      {canRestore && (
        <Space.Compact style={{ width: '100%', marginBottom: 16 }}>
          <Input
            value={name}
            maxLength={60}
            placeholder={t('versions.namePlaceholder')}
            onChange={(e) => setName(e.target.value)}
          />
          <Button
            type="primary"
            disabled={name.trim() === ''}
            loading={save.isPending}
            onClick={() => save.mutate()}
          >
            {t('versions.save')}
          </Button>
        </Space.Compact>
      )}
      <List
        loading={versions.isLoading}
        locale={{ emptyText: <Empty description={t('versions.empty')} /> }}
        dataSource={items}
        renderItem={(v) => (
          <List.Item
            style={{
              cursor: 'pointer',
              background: v.id === selected ? '#e6f4ff' : undefined,
              paddingInline: 8,
            }}
            onClick={() => setSelected(v.id)}
            data-testid="version-item"
            actions={
              canRestore
                ? [
                    <Popconfirm
                      key="restore"
                      title={t('versions.restoreConfirm')}
                      onConfirm={() => restore.mutate(v.id)}
                    >
                      <Button size="small" onClick={(e) => e.stopPropagation()} loading={restore.isPending}>
                        {t('versions.restore')}
                      </Button>
                    </Popconfirm>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <Space>
                  {v.kind === 'auto' ? t('versions.auto') : v.name}
                  <Tag>{t(`versions.kind.${v.kind}`)}</Tag>
                </Space>
              }
              description={formatDateTime(v.createdAt)}
            />
          </List.Item>
        )}
      />
      {versions.hasNextPage && (
        <Button block onClick={() => void versions.fetchNextPage()} loading={versions.isFetchingNextPage}>
          {t('loadMore')}
        </Button>
      )}
      {selected && (
        <div style={{ marginTop: 16 }}>
          <Typography.Title level={5}>{t('versions.preview')}</Typography.Title>
          <div data-testid="version-preview">
            {preview.data ? (
              <VersionPreview state={preview.data.state} versionId={preview.data.id} />
            ) : (
              <div className="zb-doc-version-text">{t('loading')}</div>
            )}
          </div>
        </div>
      )}
    </Drawer>
  );
}
