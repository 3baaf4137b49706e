import { ApartmentOutlined, BankOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import type { Branch, Committee, Group } from '@zhibu/shared';
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../time/dayjs';
import { type OrgEdit, OrgFormModal } from './OrgForms';
import { useCommittees } from './selects';

type Selected =
  | { kind: 'committee'; committee: Committee }
  | { kind: 'branch'; branch: Branch }
  | { kind: 'group'; group: Group; branch: Branch };

/** 组织架构: committees → branches (virtual or not) → groups, with create and edit. */
export default function OrgTreePage() {
  const { t } = useTranslation(['admin', 'common']);
  const { user } = useAuth();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const committees = useCommittees();
  const [expanded, setExpanded] = useState<string[]>([]);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [edit, setEdit] = useState<OrgEdit | null>(null);

  const committeeList = committees.data?.items ?? [];
  const openCommittees = committeeList.filter((c) => expanded.includes(`c:${c.id}`));
  const branchQueries = useQueries({
    queries: openCommittees.map((c) => ({
      queryKey: orgKeys.branches({ committeeId: c.id }),
      queryFn: () => orgApi.branches({ committeeId: c.id, limit: 200 }),
    })),
  });
  const branchesByCommittee = new Map(
    openCommittees.map((c, i) => [c.id, branchQueries[i]?.data?.items ?? []]),
  );
  const allBranches = [...branchesByCommittee.values()].flat();
  const openBranches = allBranches.filter((b) => expanded.includes(`b:${b.id}`));
  const groupQueries = useQueries({
    queries: openBranches.map((b) => ({
      queryKey: orgKeys.groups(b.id),
      queryFn: () => orgApi.groups(b.id),
    })),
  });
  const groupsByBranch = new Map(openBranches.map((b, i) => [b.id, groupQueries[i]?.data?.items ?? []]));

  const treeData: DataNode[] = committeeList.map((c) => ({
    key: `c:${c.id}`,
    title: c.name,
    icon: <BankOutlined />,
    isLeaf: false,
    children: (branchesByCommittee.get(c.id) ?? []).map((b) => ({
      key: `b:${b.id}`,
      title: (
        <Space size={4}>
          {b.name}
          {b.virtual && <Tag color="red">{t('virtualShort')}</Tag>}
        </Space>
      ),
      icon: <ApartmentOutlined />,
      isLeaf: false,
      children: (groupsByBranch.get(b.id) ?? []).map((g) => ({
        key: `g:${g.id}`,
        title: g.name,
        icon: <TeamOutlined />,
        isLeaf: true,
      })),
    })),
  }));

  const lookup = new Map<string, Selected>();
  {
    const map = lookup;
    for (const c of committeeList) map.set(`c:${c.id}`, { kind: 'committee', committee: c });
    for (const b of allBranches) map.set(`b:${b.id}`, { kind: 'branch', branch: b });
    for (const b of openBranches)
      for (const g of groupsByBranch.get(b.id) ?? [])
        map.set(`g:${g.id}`, { kind: 'group', group: g, branch: b });
  }

  // Keep the detail panel in step with refetched data (after an edit).
  const current = selected
    ? (lookup.get(
        selected.kind === 'committee'
          ? `c:${selected.committee.id}`
          : selected.kind === 'branch'
            ? `b:${selected.branch.id}`
            : `g:${selected.group.id}`,
      ) ?? selected)
    : null;

  const closeModal = () => setEdit(null);

  return (
    <Row gutter={24}>
      <Col xs={24} md={10} lg={9}>
        <Card
          size="small"
          title={t('orgTree')}
          extra={
            user?.role === 'admin' && (
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={() => setEdit({ kind: 'committee' })}
                data-testid="new-committee"
              >
                {t('new.committee')}
              </Button>
            )
          }
        >
          {committees.error && <Alert type="error" title={errorMessage(committees.error)} />}
          {committeeList.length === 0 && !committees.isLoading ? (
            <Empty description={t('emptyTree')} />
          ) : (
            <Tree
              showIcon
              blockNode
              treeData={treeData}
              expandedKeys={expanded}
              onExpand={(keys) => setExpanded(keys.map(String))}
              selectedKeys={current ? [keyOf(current)] : []}
              onSelect={(keys) => {
                const key = keys[0];
                if (key === undefined) return;
                const found = lookup.get(String(key));
                if (found) setSelected(found);
                if (!expanded.includes(String(key)) && !String(key).startsWith('g:'))
                  setExpanded((e) => [...e, String(key)]);
              }}
              data-testid="org-tree"
            />
          )}
        </Card>
      </Col>
      <Col xs={24} md={14} lg={15}>
        {!current && (
          <Card size="small">
            <Empty description={t('pickNode')} />
          </Card>
        )}
        {current?.kind === 'committee' && (
          <Card
            size="small"
            title={
              <Space>
                <BankOutlined />
                {current.committee.name}
              </Space>
            }
            extra={
              <Space>
                <Button
                  size="small"
                  onClick={() => setEdit({ kind: 'committee', committee: current.committee })}
                >
                  {t('common:edit')}
                </Button>
                <Button
                  size="small"
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => setEdit({ kind: 'branch', committeeId: current.committee.id })}
                  data-testid="new-branch"
                >
                  {t('new.branch')}
                </Button>
              </Space>
            }
          >
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'kind', label: t('fields.kind'), children: t('kinds.committee') },
                {
                  key: 'created',
                  label: t('fields.createdAt'),
                  children: formatDateTime(current.committee.createdAt),
                },
                {
                  key: 'branches',
                  label: t('fields.branchCount'),
                  children: branchesByCommittee.get(current.committee.id)?.length ?? '—',
                },
              ]}
            />
          </Card>
        )}
        {current?.kind === 'branch' && (
          <Card
            size="small"
            data-testid="branch-detail"
            title={
              <Space>
                <ApartmentOutlined />
                {current.branch.name}
                {current.branch.virtual && <Tag color="red">{t('virtual')}</Tag>}
              </Space>
            }
          >
            <Space wrap style={{ marginBottom: 16 }}>
              <Button
                size="small"
                onClick={() =>
                  setEdit({
                    kind: 'branch',
                    committeeId: current.branch.committeeId,
                    branch: current.branch,
                  })
                }
              >
                {t('common:edit')}
              </Button>
              <Button
                size="small"
                onClick={() => void navigate(`/admin/members?branchId=${current.branch.id}`)}
              >
                {t('sections.members')}
              </Button>
              <Button
                size="small"
                onClick={() => void navigate(`/admin/invitations?branchId=${current.branch.id}`)}
                data-testid="invite-from-branch"
              >
                {t('inviteMember')}
              </Button>
              <Button
                size="small"
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setEdit({ kind: 'group', branchId: current.branch.id })}
              >
                {t('new.group')}
              </Button>
            </Space>
            <Descriptions
              column={1}
              size="small"
              items={[
                {
                  key: 'kind',
                  label: t('fields.kind'),
                  children: current.branch.virtual ? t('kinds.virtualBranch') : t('kinds.branch'),
                },
                {
                  key: 'industries',
                  label: t('fields.industries'),
                  children: <TagList items={current.branch.industries} />,
                },
                {
                  key: 'regions',
                  label: t('fields.regions'),
                  children: <TagList items={current.branch.regions} />,
                },
                {
                  key: 'created',
                  label: t('fields.createdAt'),
                  children: formatDateTime(current.branch.createdAt),
                },
              ]}
            />
          </Card>
        )}
        {current?.kind === 'group' && (
          <Card
            size="small"
            title={
              <Space>
                <TeamOutlined />
                {current.group.name}
              </Space>
            }
            extra={
              <Button
                size="small"
                onClick={() => setEdit({ kind: 'group', branchId: current.branch.id, group: current.group })}
              >
                {t('common:edit')}
              </Button>
            }
          >
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'kind', label: t('fields.kind'), children: t('kinds.group') },
                { key: 'branch', label: t('branch'), children: current.branch.name },
                {
                  key: 'leader',
                  label: t('fields.groupLeader'),
                  children: current.group.leaderName ?? '—',
                },
              ]}
            />
          </Card>
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
          {t('orgHint')}
        </Typography.Paragraph>
      </Col>
      <OrgFormModal edit={edit} onClose={closeModal} />
    </Row>
  );
}

function keyOf(s: Selected): string {
  if (s.kind === 'committee') return `c:${s.committee.id}`;
  if (s.kind === 'branch') return `b:${s.branch.id}`;
  return `g:${s.group.id}`;
}

function TagList({ items }: { items: string[] }) {
  const { t } = useTranslation('common');
  if (items.length === 0) return <Typography.Text type="secondary">{t('none')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {items.map((i) => (
        <Tag key={i}>{i}</Tag>
      ))}
    </Space>
  );
}
