import { ArrowLeftOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Empty, Input, List, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { formatDateTime, inUserZone } from '../../time/dayjs';
import { channelKeys, channelsApi } from './api';
import { Highlighted } from './MessageText';
import { PeopleSelect } from './PeopleSelect';
import { useChat } from './store';

/**
 * Full-text search over every message the user may read; Chinese and English; filters (channel, author,
 * dates) and paging.
 */
export default function SearchPage() {
  const { t } = useTranslation('channels');
  const navigate = useNavigate();
  const store = useChat();
  const [input, setInput] = useState('');
  const [filters, setFilters] = useState<{
    q: string;
    channelId?: string;
    authorId?: string;
    from?: string;
    to?: string;
  }>({ q: '' });
  const query = {
    q: filters.q,
    channelId: filters.channelId,
    authorId: filters.authorId,
    from: filters.from,
    to: filters.to,
    limit: '20',
  };
  const results = useInfiniteQuery({
    queryKey: channelKeys.search(query),
    queryFn: ({ pageParam }) => channelsApi.search({ ...query, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: filters.q.trim().length > 0,
  });
  const hits = results.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="zb-page zb-chat-search">
      <Space style={{ marginBottom: 16 }} wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/channels')} aria-label={t('back')} />
        <Input.Search
          autoFocus
          allowClear
          style={{ width: 320 }}
          placeholder={t('searchPlaceholder')}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onSearch={(q) => setFilters((f) => ({ ...f, q: q.trim() }))}
          maxLength={200}
          data-testid="search-input"
        />
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('allChannels')}
          value={filters.channelId}
          onChange={(channelId) => setFilters((f) => ({ ...f, channelId }))}
          options={store.summaries().map((c) => ({ value: c.id, label: c.title }))}
        />
        <div style={{ width: 200 }}>
          <PeopleSelect
            placeholder={t('anyAuthor')}
            channelIds={filters.channelId ? [filters.channelId] : undefined}
            value={filters.authorId}
            onChange={(authorId) => setFilters((f) => ({ ...f, authorId }))}
            data-testid="search-author"
          />
        </div>
        <DatePicker.RangePicker
          onChange={(range) =>
            setFilters((f) => ({
              ...f,
              from: range?.[0] ? inUserZone(range[0].toDate()).startOf('day').toISOString() : undefined,
              to: range?.[1] ? inUserZone(range[1].toDate()).endOf('day').toISOString() : undefined,
            }))
          }
        />
      </Space>
      {filters.q === '' ? (
        <Empty description={t('searchHint')} />
      ) : (
        <List
          loading={results.isLoading}
          dataSource={hits}
          locale={{ emptyText: t('noResults') }}
          renderItem={(hit) => (
            <List.Item>
              <List.Item.Meta
                title={
                  <Link
                    to={
                      hit.message.seq !== null
                        ? `/channels/${hit.message.channelId}?seq=${hit.message.seq}`
                        : `/channels/${hit.message.channelId}?thread=${hit.message.threadRootId}`
                    }
                  >
                    # {hit.channelName} · {hit.message.authorName} · {formatDateTime(hit.message.createdAt)}
                  </Link>
                }
                description={<Highlighted text={hit.message.text} ranges={hit.highlights} />}
              />
            </List.Item>
          )}
          loadMore={
            results.hasNextPage ? (
              <div style={{ textAlign: 'center', margin: 12 }}>
                <Button loading={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
                  {t('loadMore')}
                </Button>
              </div>
            ) : hits.length > 0 ? (
              <Typography.Text type="secondary" style={{ display: 'block', textAlign: 'center', margin: 12 }}>
                {t('noMore')}
              </Typography.Text>
            ) : null
          }
        />
      )}
    </div>
  );
}
