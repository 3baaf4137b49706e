import { ArrowLeftOutlined, DownloadOutlined, HistoryOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DOC_META_MAP, type ExportFormat, type LifecycleAction } from '@zhibu/shared';
import {
  Alert,
  App,
  Avatar,
  Badge,
  Button,
  Dropdown,
  Input,
  Modal,
  Result,
  Space,
  Spin,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { useErrorMessage } from '../../api/errors';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../time/dayjs';
import { docKeys, documentsApi, downloadExport } from './api';
import { CollabEditor, type ConnectionStatus, colorFor } from './CollabEditor';
import { VersionsDrawer } from './VersionsDrawer';

interface Peer {
  clientId: number;
  name: string;
  color: string;
}

/** Who is here: the awareness states of everyone connected to the document (this user included). */
function usePresence(provider: WebsocketProvider | null): Peer[] {
  const [peers, setPeers] = useState<Peer[]>([]);
  useEffect(() => {
    if (!provider) return;
    const update = () => {
      const list: Peer[] = [];
      provider.awareness.getStates().forEach((state, clientId) => {
        const s = state as { name?: unknown; color?: unknown };
        if (typeof s.name === 'string') {
          list.push({ clientId, name: s.name, color: typeof s.color === 'string' ? s.color : '#999' });
        }
      });
      setPeers(list);
    };
    update();
    provider.awareness.on('change', update);
    return () => provider.awareness.off('change', update);
  }, [provider]);
  return peers;
}

const statusColor = { draft: 'blue', submitted: 'gold', approved: 'green', archived: 'default' } as const;

export default function DocumentPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('documents');
  const { user } = useAuth();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [provider, setProvider] = useState<WebsocketProvider | null>(null);
  const [ydoc, setYdoc] = useState<Y.Doc | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [fatal, setFatal] = useState<number | null>(null);
  /** Rights the collaboration server announced live (by its close code), and when. */
  const [live, setLive] = useState<{ access: 'read' | 'write'; at: number } | null>(null);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [reopenOpen, setReopenOpen] = useState(false);
  const [reason, setReason] = useState('');
  const peers = usePresence(provider);

  const meta = useQuery({
    queryKey: docKeys.meta(id),
    queryFn: () => documentsApi.meta(id),
    enabled: id !== '',
  });

  // The server mirrors the lifecycle into the Y.Doc: refetch the rights the moment it changes.
  useEffect(() => {
    if (!ydoc) return;
    const map = ydoc.getMap(DOC_META_MAP);
    const changed = () => void client.invalidateQueries({ queryKey: docKeys.meta(id) });
    map.observe(changed);
    return () => map.unobserve(changed);
  }, [ydoc, client, id]);

  const lifecycle = useMutation({
    mutationFn: (body: { action: LifecycleAction; reason?: string }) => documentsApi.lifecycle(id, body),
    onSuccess: (next) => {
      client.setQueryData(docKeys.meta(id), next);
      void client.invalidateQueries({ queryKey: docKeys.versions(id) });
      message.success(t(`done.${next.status}`));
      setReopenOpen(false);
      setReason('');
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  if (meta.isLoading) return <Spin style={{ margin: 64 }} />;
  if (meta.error || !meta.data) {
    return (
      <Result
        status="404"
        title={t('notFound')}
        extra={<Button onClick={() => navigate('/documents')}>{t('back')}</Button>}
      />
    );
  }
  const doc = meta.data;
  // The server's word wins until the document's rights are read again after it (the close that carried it
  // also refetches them); a response from before the change cannot turn the editor back.
  const access = live && live.at >= meta.dataUpdatedAt ? live.access : doc.access;
  const editable = access === 'write' && fatal === null;

  const exportAs = (format: ExportFormat) =>
    downloadExport(doc.id, doc.title, format).catch((e: unknown) => message.error(errorMessage(e)));

  const act = (action: LifecycleAction) => {
    if (action === 'reopen') setReopenOpen(true);
    else lifecycle.mutate({ action });
  };

  return (
    <div className="zb-page" data-testid="document-page">
      <Space style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }} wrap>
        <Space wrap>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/documents')} />
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="doc-title">
            {doc.title}
          </Typography.Title>
          <Tag color={statusColor[doc.status]} data-testid="doc-status">
            {t(`status.${doc.status}`)}
          </Tag>
          <Tag>{t(`kind.${doc.kind}`)}</Tag>
          {access !== 'write' && (
            <Tag color="default" data-testid="doc-readonly">
              {t('readOnly')}
            </Tag>
          )}
        </Space>
        <Space wrap>
          <Tooltip title={t(`connection.${status}`)}>
            <Badge
              status={status === 'connected' ? 'success' : status === 'connecting' ? 'processing' : 'error'}
              text={t(`connection.${status}`)}
              data-testid="doc-connection"
              data-status={status}
            />
          </Tooltip>
          <Avatar.Group max={{ count: 6 }} data-testid="doc-presence">
            {peers.map((p) => (
              <Tooltip key={p.clientId} title={p.name}>
                <Avatar style={{ backgroundColor: p.color }} data-testid="doc-peer" data-name={p.name}>
                  {p.name.slice(0, 1)}
                </Avatar>
              </Tooltip>
            ))}
          </Avatar.Group>
          {doc.actions.map((action) => (
            <Button
              key={action}
              type={action === 'approve' ? 'primary' : 'default'}
              loading={lifecycle.isPending}
              onClick={() => act(action)}
              data-testid={`doc-action-${action}`}
            >
              {t(`actions.${action}`)}
            </Button>
          ))}
          <Button icon={<HistoryOutlined />} onClick={() => setVersionsOpen(true)} data-testid="doc-versions">
            {t('versions.title')}
          </Button>
          <Dropdown
            menu={{
              items: (['md', 'docx', 'pdf'] as const).map((f) => ({ key: f, label: t(`export.${f}`) })),
              onClick: ({ key }) => void exportAs(key as ExportFormat),
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="doc-export">
              {t('export.title')}
            </Button>
          </Dropdown>
        </Space>
      </Space>
      {fatal !== null && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message={t(`closed.${fatal}`, t('closed.other'))}
        />
      )}
      {doc.status === 'approved' && (
        <Alert type="success" showIcon style={{ marginBottom: 12 }} message={t('approvedNotice')} />
      )}
      {doc.status !== 'approved' && access !== 'write' && fatal === null && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t(live?.access === 'read' ? 'readOnlyNow' : 'readOnlyNotice')}
          data-testid="doc-readonly-banner"
        />
      )}
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
        {t('updatedAt', { time: formatDateTime(doc.updatedAt) })}
      </Typography.Text>
      <CollabEditor
        key={doc.docName}
        docName={doc.docName}
        editable={editable}
        userName={user?.displayName ?? '—'}
        userColor={colorFor(user?.id ?? '')}
        onProvider={(p, d) => {
          setProvider(p);
          setYdoc(d);
        }}
        onStatus={setStatus}
        onFatalClose={setFatal}
        onAccessChange={(next) => {
          setLive({ access: next, at: Date.now() });
          void client.invalidateQueries({ queryKey: docKeys.meta(id) });
        }}
      />
      <VersionsDrawer
        open={versionsOpen}
        onClose={() => setVersionsOpen(false)}
        documentId={doc.id}
        canRestore={access === 'write'}
      />
      <Modal
        open={reopenOpen}
        title={t('actions.reopen')}
        onCancel={() => setReopenOpen(false)}
        okButtonProps={{ disabled: reason.trim() === '', loading: lifecycle.isPending }}
        onOk={() => lifecycle.mutate({ action: 'reopen', reason })}
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('reopenReason')}
          maxLength={500}
          data-testid="doc-reopen-reason"
        />
      </Modal>
    </div>
  );
}
