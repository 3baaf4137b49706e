import { EnvironmentOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { GridCategories, type GridCategory, type GridReportBody } from '@zhibu/shared';
import { Alert, App, Button, Card, Form, Input, List, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { newClientId } from '../../api/client-id';
import { useErrorMessage } from '../../api/errors';
import { gridApi, gridKeys, useDirectory } from './api';
import { StatusTag } from './labels';
import { PhotoPicker } from './photos';

interface Values {
  category: GridCategory;
  title: string;
  description: string;
  gridId?: string;
  address: string;
  anonymous: boolean;
  contact?: string;
  photos?: string[];
}

/** 上报: a single-column form that works on a phone; similar open reports nearby are shown before sending. */
export default function ReportPage() {
  const { t } = useTranslation(['grid', 'common']);
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const { grids } = useDirectory();
  const [location, setLocation] = useState<{ lat: number; lng: number } | null>(null);
  // One id for this report however often it is sent: a retry after a lost answer cannot file it twice.
  const [clientId] = useState(newClientId);
  const category = Form.useWatch('category', form);
  const title = Form.useWatch('title', form);
  const gridId = Form.useWatch('gridId', form);
  const [debouncedTitle, setDebouncedTitle] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setDebouncedTitle((title ?? '').trim()), 400);
    return () => clearTimeout(timer);
  }, [title]);

  const similar = useQuery({
    queryKey: [...gridKeys.all, 'similar', category, debouncedTitle, gridId, location],
    queryFn: () =>
      gridApi.similar({
        category,
        title: debouncedTitle,
        gridId,
        lat: location?.lat,
        lng: location?.lng,
      }),
    enabled: Boolean(category && debouncedTitle.length >= 2 && (gridId || location)),
  });

  const submit = useMutation({
    mutationFn: (v: Values) => {
      const body: GridReportBody = {
        category: v.category,
        title: v.title.trim(),
        description: v.description.trim(),
        address: v.address.trim(),
        anonymous: v.anonymous,
        photos: v.photos ?? [],
        clientId,
        ...(v.gridId ? { gridId: v.gridId } : {}),
        ...(v.contact?.trim() ? { contact: v.contact.trim() } : {}),
        ...(location ? { location } : {}),
      };
      return gridApi.report(body);
    },
    onSuccess: (issue) => {
      void queryClient.invalidateQueries({ queryKey: gridKeys.lists });
      message.success(t('reported'));
      void navigate(`/grid/issues/${issue.id}`);
    },
    onError: (error) => message.error(errorMessage(error)),
  });

  const locate = () => {
    navigator.geolocation?.getCurrentPosition(
      (pos) => setLocation({ lat: pos.coords.latitude, lng: pos.coords.longitude }),
      () => message.warning(t('noLocation')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };

  return (
    <Card style={{ maxWidth: 640, margin: '0 auto' }} title={t('report.title')}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ category: 'hazard', anonymous: false, photos: [] }}
        onFinish={(v) => submit.mutate(v)}
        data-testid="grid-report-form"
      >
        <Form.Item name="category" label={t('fields.category')} rules={[{ required: true }]}>
          <Select
            options={GridCategories.map((c) => ({ value: c, label: t(`category.${c}`) }))}
            data-testid="grid-category"
          />
        </Form.Item>
        <Form.Item name="title" label={t('fields.title')} rules={[{ required: true, max: 80 }]}>
          <Input maxLength={80} placeholder={t('report.titleHint')} data-testid="grid-title" />
        </Form.Item>
        <Form.Item name="description" label={t('fields.description')} rules={[{ required: true, max: 4000 }]}>
          <Input.TextArea rows={4} maxLength={4000} data-testid="grid-description" />
        </Form.Item>
        <Form.Item name="gridId" label={t('fields.grid')} extra={t('report.gridHint')}>
          <Select
            allowClear
            options={grids.map((g) => ({ value: g.id, label: g.name }))}
            data-testid="grid-grid"
          />
        </Form.Item>
        <Form.Item name="address" label={t('fields.address')} rules={[{ required: true, max: 200 }]}>
          <Input maxLength={200} data-testid="grid-address" />
        </Form.Item>
        <Form.Item label={t('fields.location')}>
          <Space wrap>
            <Button icon={<EnvironmentOutlined />} onClick={locate}>
              {t('report.locate')}
            </Button>
            {location && (
              <Typography.Text type="secondary">
                {location.lat.toFixed(5)}, {location.lng.toFixed(5)}
              </Typography.Text>
            )}
          </Space>
        </Form.Item>
        <Form.Item name="photos" label={t('fields.photos')} extra={t('report.photosHint')}>
          <PhotoPicker />
        </Form.Item>
        <Form.Item name="contact" label={t('fields.contact')} rules={[{ max: 64 }]}>
          <Input maxLength={64} inputMode="tel" />
        </Form.Item>
        <Form.Item
          name="anonymous"
          label={t('fields.anonymous')}
          valuePropName="checked"
          extra={t('report.anonymousHint')}
        >
          <Switch />
        </Form.Item>
        {(similar.data?.items.length ?? 0) > 0 && (
          <Alert
            type="info"
            style={{ marginBottom: 16 }}
            message={t('report.similar')}
            description={
              <List
                size="small"
                dataSource={similar.data?.items ?? []}
                renderItem={(i) => (
                  <List.Item>
                    <a
                      href={`/grid/issues/${i.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        void navigate(`/grid/issues/${i.id}`);
                      }}
                    >
                      {i.title}
                    </a>
                    <StatusTag status={i.status} />
                  </List.Item>
                )}
              />
            }
          />
        )}
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={submit.isPending}
          data-testid="grid-submit"
        >
          {t('report.submit')}
        </Button>
      </Form>
    </Card>
  );
}
