import { useQuery } from '@tanstack/react-query';
import { type Branch, LeadingBranchRoles, type MyPositions } from '@zhibu/shared';
import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';

/**
 * Whether the user may add a branch's members to a topic channel: the server's rule (`canLeadBranch`) —
 * admins, the committee's admins, and the branch's secretary, deputies and committee members.
 */
export function mayLeadBranch(positions: MyPositions | undefined, branch: Branch): boolean {
  if (!positions) return false;
  return (
    positions.isAdmin ||
    positions.adminOfCommittees.some((c) => c.id === branch.committeeId) ||
    positions.memberships.some((m) => m.branchId === branch.id && LeadingBranchRoles.includes(m.role))
  );
}

/** Several branches the user leads (searchable by name); empty list and hidden when they lead none. */
export function useLeadableBranches(term: string) {
  const positions = useQuery({
    queryKey: orgKeys.myPositions,
    queryFn: orgApi.myPositions,
    staleTime: 60_000,
  });
  const p = positions.data;
  const leadsAny =
    p !== undefined &&
    (p.isAdmin ||
      p.adminOfCommittees.length > 0 ||
      p.memberships.some((m) => LeadingBranchRoles.includes(m.role)));
  const branches = useQuery({
    queryKey: ['channels', 'leadable-branches', term],
    queryFn: () => orgApi.branches({ limit: 200, ...(term ? { q: term } : {}) }),
    enabled: leadsAny,
    staleTime: 60_000,
  });
  return {
    leadsAny,
    loading: positions.isLoading || branches.isLoading,
    items: (branches.data?.items ?? []).filter((b) => mayLeadBranch(p, b)),
  };
}

export function BranchSelect({
  value,
  onChange,
  id,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  id?: string;
}) {
  const { t } = useTranslation('channels');
  const [input, setInput] = useState('');
  const [term, setTerm] = useState('');
  const [known, setKnown] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    const timer = setTimeout(() => setTerm(input.trim()), 250);
    return () => clearTimeout(timer);
  }, [input]);
  const branches = useLeadableBranches(term);
  const options = branches.items.map((b) => ({ value: b.id, label: b.name }));
  for (const v of value) {
    if (!options.some((o) => o.value === v))
      options.push({ value: v, label: known.get(v) ?? `#${v.slice(-6)}` });
  }
  return (
    <Select<string[], { value: string; label: string }>
      id={id}
      mode="multiple"
      value={value}
      loading={branches.loading}
      showSearch={{ filterOption: false, onSearch: setInput }}
      placeholder={t('pickBranches')}
      notFoundContent={t('noBranchFound')}
      options={options}
      onChange={(ids, picked) => {
        setKnown((k) => {
          const next = new Map(k);
          for (const o of Array.isArray(picked) ? picked : picked ? [picked] : []) next.set(o.value, o.label);
          return next;
        });
        onChange(ids);
      }}
      style={{ width: '100%' }}
      data-testid="topic-branches"
    />
  );
}
