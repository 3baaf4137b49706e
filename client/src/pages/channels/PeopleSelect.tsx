import { useQueries, useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';
import { usersApi } from '../../api/users';
import { useAuth } from '../../auth/AuthContext';
import { channelKeys, channelsApi } from './api';
import { useChat } from './store';

/** Channels whose member lists are read for the picker when no channel narrows it (the first ones listed). */
const MAX_CHANNELS = 30;
const MAX_OPTIONS = 50;

type Option = { value: string; label: string };

interface Person {
  id: string;
  displayName: string;
}

/**
 * People the user can see: the members of their channels (`GET /channels/:id/members`, which every member
 * may read), plus the user directory for those allowed to search it (admins, committee admins); the
 * directory is admin-only, so a plain member's picker never asks it. Member lists load when the picker
 * first opens and share the cache with the channel view.
 */
function usePeople(channelIds: readonly string[] | undefined, term: string, active: boolean): Person[] {
  const { user } = useAuth();
  const store = useChat();
  const ids = (channelIds ?? store.summaries().map((c) => c.id)).slice(0, MAX_CHANNELS);
  const lists = useQueries({
    queries: ids.map((id) => ({
      queryKey: channelKeys.members(id),
      queryFn: () => channelsApi.members(id),
      staleTime: 60_000,
      enabled: active,
    })),
  });
  const positions = useQuery({
    queryKey: orgKeys.myPositions,
    queryFn: orgApi.myPositions,
    staleTime: 60_000,
    enabled: user !== null && user.role !== 'resident',
  });
  const directory = user?.role === 'admin' || (positions.data?.adminOfCommittees.length ?? 0) > 0;
  const search = useQuery({
    queryKey: ['users', 'search', term],
    queryFn: () => usersApi.search(term),
    enabled: directory && term.length > 0,
    retry: false,
  });
  const needle = term.toLowerCase();
  const seen = new Map<string, string>();
  for (const list of lists)
    for (const m of list.data?.items ?? [])
      if (!needle || m.displayName.toLowerCase().includes(needle)) seen.set(m.id, m.displayName);
  // The directory already matched the term (by name or username).
  for (const u of search.data?.items ?? []) seen.set(u.id, u.displayName);
  return [...seen]
    .map(([id, displayName]) => ({ id, displayName }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
}

type Props = {
  /** Only the members of these channels (e.g. the channel a search is narrowed to); default: all of mine. */
  channelIds?: readonly string[];
  placeholder?: string;
  /** Leave the signed-in user out (inviting others). */
  excludeIds?: readonly string[];
  id?: string;
  'data-testid'?: string;
} & (
  | { multiple: true; value: string[]; onChange: (ids: string[]) => void }
  | { multiple?: false; value: string | undefined; onChange: (id: string | undefined) => void }
);

/** Picks one person or several among the people the user can see (see `usePeople`). */
export function PeopleSelect(props: Props) {
  const { t } = useTranslation('channels');
  const [input, setInput] = useState('');
  const [term, setTerm] = useState('');
  const [active, setActive] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setTerm(input.trim()), 200);
    return () => clearTimeout(timer);
  }, [input]);
  const people = usePeople(props.channelIds, term, active);
  // Names of what was picked, so that a selection keeps its label when the search term changes.
  const [known, setKnown] = useState<ReadonlyMap<string, string>>(new Map());
  const remember = (picked: Option | Option[] | undefined) =>
    setKnown((k) => {
      const next = new Map(k);
      for (const o of Array.isArray(picked) ? picked : picked ? [picked] : []) next.set(o.value, o.label);
      return next;
    });

  const excluded = new Set(props.excludeIds ?? []);
  const options: Option[] = people
    .filter((p) => !excluded.has(p.id))
    .slice(0, MAX_OPTIONS)
    .map((p) => ({ value: p.id, label: p.displayName }));
  const selected = props.multiple ? props.value : props.value ? [props.value] : [];
  for (const id of selected) {
    if (!options.some((o) => o.value === id))
      options.push({ value: id, label: known.get(id) ?? `#${id.slice(-6)}` });
  }
  const common = {
    id: props.id,
    'data-testid': props['data-testid'],
    showSearch: { filterOption: false, onSearch: setInput },
    allowClear: true,
    placeholder: props.placeholder ?? t('pickPerson'),
    onOpenChange: (open: boolean) => open && setActive(true),
    notFoundContent: active && people.length === 0 && !term ? <Spin size="small" /> : t('nobodyFound'),
    options,
    style: { width: '100%' },
  };
  return props.multiple ? (
    <Select<string[], Option>
      {...common}
      mode="multiple"
      value={props.value}
      onChange={(v, picked) => {
        remember(picked);
        props.onChange(v);
      }}
    />
  ) : (
    <Select<string, Option>
      {...common}
      value={props.value}
      onChange={(v, picked) => {
        remember(picked);
        props.onChange(v ?? undefined);
      }}
    />
  );
}
