import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../api/org';
import { usersApi } from '../api/users';

const OBJECT_ID = /^[0-9a-f]{24}$/;

interface Props {
  value?: string | null;
  onChange?: (value: string | null) => void;
  placeholder?: string;
  allowClear?: boolean;
  /** Shown for the current value before a search (e.g. the leader's name). */
  currentLabel?: string;
  id?: string;
  /** Pick among this branch's members (no user search needed), e.g. a group leader. */
  branchId?: string;
}

/** Picks a user by name or username (server-side search); a pasted user id is accepted too. */
export function UserPicker({
  value,
  onChange,
  placeholder,
  allowClear = true,
  currentLabel,
  id,
  branchId,
}: Props) {
  const { t } = useTranslation('admin');
  const [input, setInput] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setTerm(input.trim()), 250);
    return () => clearTimeout(timer);
  }, [input]);

  const search = useQuery({
    queryKey: ['users', 'search', term],
    queryFn: () => usersApi.search(term),
    enabled: term.length > 0 && !branchId,
    retry: false,
  });
  const members = useQuery({
    queryKey: orgKeys.members(branchId ?? '', { picker: true }),
    queryFn: () => orgApi.members(branchId ?? '', { limit: 200 }),
    enabled: Boolean(branchId),
  });
  const options = branchId
    ? (members.data?.items ?? [])
        .filter((m) => !term || m.displayName.includes(term))
        .map((m) => ({ value: m.userId, label: m.displayName }))
    : (search.data?.items ?? []).map((u) => ({
        value: u.id,
        label: u.username ? `${u.displayName}（${u.username}）` : u.displayName,
      }));
  if (OBJECT_ID.test(term) && !options.some((o) => o.value === term)) {
    options.push({ value: term, label: t('userById', { id: term }) });
  }
  if (value && !options.some((o) => o.value === value)) {
    options.unshift({ value, label: currentLabel ?? `#${value.slice(-6)}` });
  }

  return (
    <Select<string>
      id={id}
      showSearch={{ filterOption: false, onSearch: setInput }}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      allowClear={allowClear}
      placeholder={placeholder ?? t('pickUser')}
      notFoundContent={
        search.isFetching ? <Spin size="small" /> : term ? t('noUserFound') : t('typeToSearch')
      }
      options={options}
      style={{ width: '100%' }}
    />
  );
}
