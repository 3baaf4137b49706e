import { Collapse, Empty, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CursorPager } from '../../components/CursorPager';
import { useCursorPages } from '../../components/useCursorPages';
import { formatDate } from '../../time/dayjs';
import { gridApi, gridKeys, useDirectory } from './api';

/** 法律问答: lawyers' answers published, anonymised, for a grid. */
export default function QaPage() {
  const { t } = useTranslation('grid');
  const { grids } = useDirectory();
  const [gridId, setGridId] = useState<string>();
  const pages = useCursorPages([...gridKeys.all, 'qa', gridId ?? null], (cursor) =>
    gridApi.qa({ gridId, limit: 20, cursor }),
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select
        allowClear
        placeholder={t('fields.grid')}
        style={{ width: 200 }}
        value={gridId}
        onChange={setGridId}
        options={grids.map((g) => ({ value: g.id, label: g.name }))}
      />
      {pages.items.length === 0 && !pages.loading ? (
        <Empty />
      ) : (
        <Collapse
          items={pages.items.map((qa) => ({
            key: qa.id,
            label: `${qa.question}（${formatDate(qa.publishedAt)}）`,
            children: <p style={{ whiteSpace: 'pre-wrap' }}>{qa.answer}</p>,
          }))}
        />
      )}
      <CursorPager
        page={pages.page}
        hasPrev={pages.hasPrev}
        hasNext={pages.hasNext}
        onPrev={pages.prev}
        onNext={pages.next}
      />
    </Space>
  );
}
