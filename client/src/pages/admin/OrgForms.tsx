import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Branch, Committee, Group } from '@zhibu/shared';
import { App, Form, Input, Modal, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { orgApi } from '../../api/org';
import { UserPicker } from '../../components/UserPicker';
import { NameItem, TagsInput } from './selects';

/** What the org tree page is editing: a new or an existing committee, branch or group. */
export type OrgEdit =
  | { kind: 'committee'; committee?: Committee }
  | { kind: 'branch'; committeeId: string; branch?: Branch }
  | { kind: 'group'; branchId: string; group?: Group };

interface Values {
  name: string;
  virtual?: boolean;
  industries?: string[];
  regions?: string[];
  leaderId?: string | null;
}

export function OrgFormModal({
  edit,
  onClose,
}: {
  edit: OrgEdit | null;
  onClose: (saved?: boolean) => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();

  useEffect(() => {
    if (!edit) return;
    form.resetFields();
    if (edit.kind === 'committee' && edit.committee) form.setFieldsValue({ name: edit.committee.name });
    if (edit.kind === 'branch') {
      const b = edit.branch;
      form.setFieldsValue(
        b
          ? { name: b.name, virtual: b.virtual, industries: b.industries, regions: b.regions }
          : { virtual: true, industries: [], regions: [] },
      );
    }
    if (edit.kind === 'group' && edit.group)
      form.setFieldsValue({ name: edit.group.name, leaderId: edit.group.leaderId });
  }, [edit, form]);

  const save = useMutation({
    mutationFn: async (v: Values) => {
      if (!edit) return;
      const name = v.name.trim();
      if (edit.kind === 'committee') {
        if (edit.committee) await orgApi.updateCommittee(edit.committee.id, { name });
        else await orgApi.createCommittee({ name });
      } else if (edit.kind === 'branch') {
        const body = {
          name,
          virtual: v.virtual ?? false,
          industries: v.industries ?? [],
          regions: v.regions ?? [],
        };
        if (edit.branch) await orgApi.updateBranch(edit.branch.id, body);
        else await orgApi.createBranch({ committeeId: edit.committeeId, ...body });
      } else {
        const leaderId = v.leaderId ?? null;
        if (edit.group) await orgApi.updateGroup(edit.group.id, { name, leaderId });
        else await orgApi.createGroup(edit.branchId, { name, leaderId });
      }
    },
    onSuccess: async () => {
      message.success(t('common:saved'));
      await client.invalidateQueries({ queryKey: ['org'] });
      onClose(true);
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const existing =
    edit?.kind === 'committee' ? edit.committee : edit?.kind === 'branch' ? edit.branch : edit?.group;
  const title = edit ? t(`${existing ? 'edit' : 'new'}.${edit.kind}`) : '';

  return (
    <Modal
      open={edit !== null}
      title={title}
      onCancel={() => onClose()}
      onOk={() => form.submit()}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        name="orgNode"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        requiredMark={false}
      >
        <NameItem>
          <Input autoFocus data-testid="org-name" />
        </NameItem>
        {edit?.kind === 'branch' && (
          <>
            <Form.Item
              name="virtual"
              label={t('fields.virtual')}
              valuePropName="checked"
              extra={t('hints.virtual')}
            >
              <Switch data-testid="org-virtual" />
            </Form.Item>
            <Form.Item name="industries" label={t('fields.industries')} extra={t('hints.tags')}>
              <TagsInput placeholder={t('placeholders.industries')} />
            </Form.Item>
            <Form.Item name="regions" label={t('fields.regions')} extra={t('hints.tags')}>
              <TagsInput placeholder={t('placeholders.regions')} />
            </Form.Item>
          </>
        )}
        {edit?.kind === 'group' && (
          <Form.Item name="leaderId" label={t('fields.groupLeader')}>
            <UserPicker branchId={edit.branchId} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
