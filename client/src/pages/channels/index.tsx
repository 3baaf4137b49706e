import { Empty, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useParams } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { useReportPresence } from '../../components/presence';
import { ChannelSidebar } from './ChannelSidebar';
import { ChannelView } from './ChannelView';
import { useChatRealtime } from './realtime';
import { useChat } from './store';
import './channels.css';

const SearchPage = lazy(() => import('./SearchPage'));

function ChannelsHome() {
  const { t } = useTranslation('channels');
  const { channelId } = useParams();
  const { user } = useAuth();
  const store = useChat();
  const channels = store.summaries();
  const active = channelId ? store.summary(channelId) : undefined;
  return (
    <div className="zb-chat">
      <ChannelSidebar channels={channels} activeId={channelId} names={(c) => c.title} me={user?.id} />
      {active && user ? (
        <ChannelView key={active.id} channel={active} me={user.id} title={active.title} />
      ) : (
        <div className="zb-chat-main zb-chat-empty">
          {store.listLoaded ? <Empty description={channelId ? t('notFound') : t('pickChannel')} /> : <Spin />}
        </div>
      )}
    </div>
  );
}

/** The channels area: channel list with unread badges, the message view with threads, and search. */
export default function ChannelsPage() {
  const { user } = useAuth();
  useChatRealtime(user?.id ?? '');
  useReportPresence();
  return (
    <Suspense fallback={<Spin />}>
      <Routes>
        <Route index element={<ChannelsHome />} />
        <Route path="search" element={<SearchPage />} />
        <Route path=":channelId" element={<ChannelsHome />} />
      </Routes>
    </Suspense>
  );
}
