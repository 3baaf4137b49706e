import { useQuery } from '@tanstack/react-query';
import { BranchRoles, MemberStatuses } from '@zhibu/shared';
import { Form, Input, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';

/** Committees the user may see (admins: all; committee admins: theirs). */
export function useCommittees() {
  return useQuery({ queryKey: orgKeys.committees, queryFn: () => orgApi.committees() });
}

/** Branches the user may see, for pickers (first 200, by name). */
export function useBranchOptions() {
  return useQuery({
    queryKey: orgKeys.branches({ picker: true }),
    queryFn: () => orgApi.branches({ limit: 200 }),
  });
}

export function CommitteeSelect(props: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const { t } = useTranslation('admin');
  const committees = useCommittees();
  return (
    <Select
      {...props}
      loading={committees.isLoading}
      placeholder={t('pickCommittee')}
      options={(committees.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
    />
  );
}

export function BranchSelect({
  value,
  onChange,
  style,
}: {
  value?: string;
  onChange: (v: string) => void;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation('admin');
  const branches = useBranchOptions();
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={onChange}
      loading={branches.isLoading}
      placeholder={t('pickBranch')}
      style={{ minWidth: 260, ...style }}
      data-testid="branch-select"
      options={(branches.data?.items ?? []).map((b) => ({
        value: b.id,
        label: b.virtual ? `${b.name}（${t('virtualShort')}）` : b.name,
      }))}
    />
  );
}

export function useRoleOptions() {
  const { t } = useTranslation('admin');
  return BranchRoles.map((r) => ({ value: r, label: t(`roles.${r}`) }));
}

export function useStatusOptions() {
  const { t } = useTranslation('admin');
  return MemberStatuses.map((s) => ({ value: s, label: t(`statuses.${s}`) }));
}

const ROLE_COLORS: Record<string, string> = {
  secretary: 'red',
  deputySecretary: 'volcano',
  committeeMember: 'orange',
  member: 'default',
};

export function RoleTag({ role }: { role: string }) {
  const { t } = useTranslation('admin');
  return <Tag color={ROLE_COLORS[role] ?? 'default'}>{t(`roles.${role}`)}</Tag>;
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation('admin');
  return (
    <Tag color={status === 'full' ? 'green' : status === 'probationary' ? 'blue' : 'default'}>
      {t(`statuses.${status}`)}
    </Tag>
  );
}

/** Comma/enter separated free tags (industries, regions, specialties). */
export function TagsInput(props: {
  value?: string[];
  onChange?: (v: string[]) => void;
  placeholder?: string;
  id?: string;
}) {
  return <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} {...props} />;
}

/** The name search above an admin list (trimmed; empty clears it). */
export function SearchByName({ onSearch }: { onSearch: (q: string) => void }) {
  const { t } = useTranslation('admin');
  return (
    <Input.Search
      allowClear
      placeholder={t('searchByName')}
      onSearch={(v) => onSearch(v.trim())}
      style={{ width: 240 }}
    />
  );
}

/** The required `name` field of a committee, branch, group, department or grid form (at most 60). */
export function NameItem({ children }: { children?: React.ReactNode }) {
  const { t } = useTranslation('admin');
  return (
    <Form.Item
      name="name"
      label={t('fields.name')}
      rules={[{ required: true, whitespace: true, max: 60, message: t('rules.name') }]}
    >
      {children ?? <Input />}
    </Form.Item>
  );
}
