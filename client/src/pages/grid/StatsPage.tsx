import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { GridCategories, type GridCategory, type GridStatsQuery } from '@zhibu/shared';
import { Alert, App, Button, Card, Col, DatePicker, Row, Select, Space, Statistic } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { type dayjs, userTimeZone } from '../../time/dayjs';
import { gridApi, gridKeys, useDirectory } from './api';

const pct = (r: number | null | undefined) =>
  r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`;

/** 统计: figures computed from the events, filtered by period, grid, category and department; xlsx export. */
export default function StatsPage() {
  const { t } = useTranslation(['grid', 'common']);
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const { grids, departments, departmentName } = useDirectory();
  const [range, setRange] = useState<[dayjs.Dayjs, dayjs.Dayjs] | null>(null);
  const [gridId, setGridId] = useState<string>();
  const [category, setCategory] = useState<GridCategory>();
  const [departmentId, setDepartmentId] = useState<string>();
  const filter: GridStatsQuery = {
    // Whole days in the user's time zone.
    ...(range
      ? {
          from: range[0].tz(userTimeZone(), true).startOf('day').toISOString(),
          to: range[1].tz(userTimeZone(), true).add(1, 'day').startOf('day').toISOString(),
        }
      : {}),
    ...(gridId ? { gridId } : {}),
    ...(category ? { category } : {}),
    ...(departmentId ? { departmentId } : {}),
  };
  const stats = useQuery({ queryKey: [...gridKeys.stats, filter], queryFn: () => gridApi.stats(filter) });
  const s = stats.data;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap>
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)}
        />
        <Select
          allowClear
          placeholder={t('fields.grid')}
          style={{ width: 160 }}
          value={gridId}
          onChange={setGridId}
          options={grids.map((g) => ({ value: g.id, label: g.name }))}
        />
        <Select
          allowClear
          placeholder={t('fields.category')}
          style={{ width: 140 }}
          value={category}
          onChange={setCategory}
          options={GridCategories.map((c) => ({ value: c, label: t(`category.${c}`) }))}
        />
        <Select
          allowClear
          placeholder={t('fields.department')}
          style={{ width: 160 }}
          value={departmentId}
          onChange={setDepartmentId}
          options={departments.map((d) => ({ value: d.id, label: d.name }))}
        />
        <Button
          icon={<DownloadOutlined />}
          onClick={() => gridApi.exportXlsx(filter).catch((e: unknown) => message.error(errorMessage(e)))}
        >
          {t('stats.export')}
        </Button>
      </Space>
      {stats.error && <Alert type="error" message={errorMessage(stats.error)} />}
      <Row gutter={[12, 12]}>
        {(
          [
            ['total', s?.total],
            ['hazardsFound', s?.hazardsFound],
            ['disputesMediated', s?.disputesMediated],
            ['mediationSuccessRate', pct(s?.mediationSuccessRate)],
            ['closureRate', pct(s?.closureRate)],
            ['onTimeRate', pct(s?.onTimeRate)],
            ['avgFirstResponseHours', s?.avgFirstResponseHours?.toFixed(1) ?? '—'],
            ['satisfactionRate', pct(s?.satisfactionRate)],
            ['routingMisses', s?.routingMisses],
            ['reworks', s?.reworks],
          ] as const
        ).map(([key, value]) => (
          <Col key={key} xs={12} sm={8} md={6} lg={4}>
            <Card size="small">
              <Statistic title={t(`stats.${key}`)} value={value ?? '—'} loading={stats.isLoading} />
            </Card>
          </Col>
        ))}
      </Row>
      {s && (
        <Row gutter={[12, 12]}>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('stats.byCategory')}>
              <ReactECharts
                style={{ height: 280 }}
                option={{
                  tooltip: {},
                  xAxis: { type: 'category', data: GridCategories.map((c) => t(`category.${c}`)) },
                  yAxis: { type: 'value' },
                  series: [
                    {
                      type: 'bar',
                      data: GridCategories.map((c) => s.byCategory[c] ?? 0),
                      itemStyle: { color: '#c8161d' },
                    },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('stats.byMonth')}>
              <ReactECharts
                style={{ height: 280 }}
                option={{
                  tooltip: { trigger: 'axis' },
                  xAxis: { type: 'category', data: s.byMonth.map((m) => m.month) },
                  yAxis: { type: 'value' },
                  series: [{ type: 'line', smooth: true, data: s.byMonth.map((m) => m.total) }],
                }}
              />
            </Card>
          </Col>
          <Col xs={24}>
            <Card size="small" title={t('stats.byDepartment')}>
              <ReactECharts
                style={{ height: 300 }}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { data: [t('stats.total'), t('stats.closed')] },
                  xAxis: {
                    type: 'category',
                    data: s.byDepartment.map((d) => departmentName(d.departmentId)),
                  },
                  yAxis: { type: 'value' },
                  series: [
                    { name: t('stats.total'), type: 'bar', data: s.byDepartment.map((d) => d.total) },
                    { name: t('stats.closed'), type: 'bar', data: s.byDepartment.map((d) => d.closed) },
                  ],
                }}
              />
            </Card>
          </Col>
        </Row>
      )}
    </Space>
  );
}
