import { Menu, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useGridMe } from './api';
import IssueList from './IssueList';

const ReportPage = lazy(() => import('./ReportPage'));
const IssueDetail = lazy(() => import('./IssueDetail'));
const RulesPage = lazy(() => import('./RulesPage'));
const StatsPage = lazy(() => import('./StatsPage'));
const QaPage = lazy(() => import('./QaPage'));

type Section =
  | 'report'
  | 'mine'
  | 'department'
  | 'lawyer'
  | 'dispatch'
  | 'gridwork'
  | 'public'
  | 'qa'
  | 'rules'
  | 'stats';

/** 网格治理: report, my reports, the inboxes a user holds, and for admins the rules and statistics. */
export default function GridPage() {
  const { t } = useTranslation('grid');
  const navigate = useNavigate();
  const location = useLocation();
  const me = useGridMe().data;
  const sections: Section[] = ['report', 'mine'];
  if (me && me.departmentIds.length > 0) sections.push('department');
  if (me?.isLawyer) sections.push('lawyer');
  if (me && me.gridIds.length > 0) sections.push('gridwork');
  if (me?.isAdmin) sections.push('dispatch');
  sections.push('public', 'qa');
  if (me?.isAdmin) sections.push('rules');
  if (me && (me.isAdmin || me.departmentIds.length > 0)) sections.push('stats');
  const current = sections.find((s) => location.pathname.startsWith(`/grid/${s}`));

  return (
    <div className="zb-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Menu
        mode="horizontal"
        selectedKeys={current ? [current] : []}
        items={sections.map((s) => ({
          key: s,
          label: t(`sections.${s}`),
          onClick: () => void navigate(`/grid/${s}`),
        }))}
        style={{ marginBottom: 16 }}
        data-testid="grid-sections"
      />
      <Suspense fallback={null}>
        <Routes>
          <Route
            index
            element={
              me ? <Navigate to={me.departmentIds.length > 0 ? 'department' : 'report'} replace /> : null
            }
          />
          <Route path="report" element={<ReportPage />} />
          <Route path="mine" element={<IssueList key="mine" view="mine" />} />
          <Route
            path="department"
            element={<IssueList key="department" view="department" departmentIds={me?.departmentIds ?? []} />}
          />
          <Route path="lawyer" element={<IssueList key="lawyer" view="lawyer" />} />
          <Route path="gridwork" element={<IssueList key="grid" view="grid" />} />
          <Route path="dispatch" element={<IssueList key="dispatch" view="dispatch" />} />
          <Route path="public" element={<IssueList key="public" view="public" />} />
          <Route path="qa" element={<QaPage />} />
          <Route path="rules" element={<RulesPage />} />
          <Route path="stats" element={<StatsPage />} />
          <Route path="issues/:id" element={<IssueDetail />} />
          <Route path="*" element={<Navigate to="report" replace />} />
        </Routes>
      </Suspense>
    </div>
  );
}
