import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Grid, GridArea } from '@zhibu/shared';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Radio, Space, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { gridApi } from '../grid/api';
import { formatRings, isPolygonArea, parseRings } from './gridArea';

type Kind = 'polygon' | 'circle' | 'none';
interface Values {
  kind: Kind;
  rings?: string;
  lat?: number;
  lng?: number;
  radiusM?: number;
}

const areaKey = (gridId: string) => ['grid', 'area', gridId] as const;

/**
 * 网格区域: the area that decides which grid a located report belongs to. A polygon is edited as a list
 * of coordinates (no map); the older centre-and-radius form stays available.
 */
export function GridAreaModal({ grid, onClose }: { grid: Grid | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form);
  const current = useQuery({
    queryKey: areaKey(grid?.id ?? ''),
    queryFn: () => gridApi.area(grid?.id ?? ''),
    enabled: grid !== null,
  });

  useEffect(() => {
    if (!grid || !current.data) return;
    const area = current.data.area;
    setProblem(null);
    form.setFieldsValue(
      area === null
        ? { kind: 'polygon', rings: '' }
        : isPolygonArea(area)
          ? { kind: 'polygon', rings: formatRings(area.polygon) }
          : { kind: 'circle', lat: area.lat, lng: area.lng, radiusM: area.radiusM },
    );
  }, [grid, current.data, form]);

  const save = useMutation({
    mutationFn: async (v: Values) => {
      if (!grid) return;
      if (v.kind === 'none') {
        await gridApi.clearArea(grid.id);
        return;
      }
      let area: GridArea;
      if (v.kind === 'polygon') {
        const parsed = parseRings(v.rings ?? '');
        if ('error' in parsed) throw new Error(t(`area.errors.${parsed.error}`, { line: parsed.line }));
        area = parsed;
      } else {
        area = { lat: v.lat ?? 0, lng: v.lng ?? 0, radiusM: v.radiusM ?? 500 };
      }
      await gridApi.saveArea(grid.id, area);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: areaKey(grid?.id ?? '') });
      message.success(t('common:saved'));
      onClose();
    },
    onError: (error) =>
      setProblem(error instanceof Error && !('code' in error) ? error.message : errorMessage(error)),
  });

  return (
    <Modal
      open={grid !== null}
      title={grid ? t('area.title', { name: grid.name }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
    >
      {current.isLoading ? (
        <Spin />
      ) : (
        <Form<Values>
          form={form}
          name="grid-area"
          layout="vertical"
          onFinish={(v) => save.mutate(v)}
          onValuesChange={() => setProblem(null)}
        >
          <Form.Item name="kind" initialValue="polygon">
            <Radio.Group
              optionType="button"
              options={(['polygon', 'circle', 'none'] as const).map((k) => ({
                value: k,
                label: t(`area.kinds.${k}`),
              }))}
            />
          </Form.Item>
          {kind === 'polygon' && (
            <Form.Item
              name="rings"
              label={t('area.rings')}
              extra={t('area.ringsHint')}
              rules={[{ required: true, whitespace: true, message: t('area.errors.tooFew', { line: 1 }) }]}
            >
              <Input.TextArea
                rows={10}
                placeholder={'121.4700,31.2300\n121.4800,31.2300\n121.4800,31.2400\n121.4700,31.2400'}
                style={{ fontFamily: 'monospace' }}
                data-testid="grid-area-rings"
              />
            </Form.Item>
          )}
          {kind === 'circle' && (
            <Space wrap>
              <Form.Item name="lat" label={t('area.lat')} rules={[{ required: true }]}>
                <InputNumber min={-90} max={90} step={0.0001} />
              </Form.Item>
              <Form.Item name="lng" label={t('area.lng')} rules={[{ required: true }]}>
                <InputNumber min={-180} max={180} step={0.0001} />
              </Form.Item>
              <Form.Item name="radiusM" label={t('area.radiusM')} rules={[{ required: true }]}>
                <InputNumber min={10} max={50_000} />
              </Form.Item>
            </Space>
          )}
          {kind === 'none' && <Alert type="info" message={t('area.noneHint')} />}
          {problem && (
            <Alert type="error" message={problem} style={{ marginTop: 8 }} data-testid="grid-area-error" />
          )}
        </Form>
      )}
    </Modal>
  );
}

/** The "区域" button of a grid row. */
export function GridAreaButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <Button size="small" type="link" onClick={onClick}>
      {t('area.edit')}
    </Button>
  );
}
