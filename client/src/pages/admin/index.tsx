import { Menu } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';

const OrgTreePage = lazy(() => import('./OrgTreePage'));
const MembersPage = lazy(() => import('./MembersPage'));
const InvitationsPage = lazy(() => import('./InvitationsPage'));
const DepartmentsPage = lazy(() => import('./DepartmentsPage'));
const GridsPage = lazy(() => import('./GridsPage'));
const LawyersPage = lazy(() => import('./LawyersPage'));
const AccountsPage = lazy(() => import('./AccountsPage'));

const sections = ['org', 'members', 'invitations', 'departments', 'grids', 'lawyers', 'accounts'] as const;

/** 管理: org tree, members, invitations, departments, grids, lawyers. The server decides what each user may do. */
export default function AdminPage() {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const location = useLocation();
  const current = sections.find((s) => location.pathname.startsWith(`/admin/${s}`)) ?? 'org';
  return (
    <div className="zb-page">
      <Menu
        mode="horizontal"
        selectedKeys={[current]}
        items={sections.map((s) => ({
          key: s,
          label: t(`sections.${s}`),
          // Keep the branch in view (?branchId=) when moving between sections.
          onClick: () => void navigate(`/admin/${s}${location.search}`),
        }))}
        style={{ marginBottom: 24 }}
        data-testid="admin-sections"
      />
      <Suspense fallback={null}>
        <Routes>
          <Route index element={<Navigate to="org" replace />} />
          <Route path="org" element={<OrgTreePage />} />
          <Route path="members" element={<MembersPage />} />
          <Route path="invitations" element={<InvitationsPage />} />
          <Route path="departments" element={<DepartmentsPage />} />
          <Route path="grids" element={<GridsPage />} />
          <Route path="lawyers" element={<LawyersPage />} />
          <Route path="accounts" element={<AccountsPage />} />
          <Route path="*" element={<Navigate to="org" replace />} />
        </Routes>
      </Suspense>
    </div>
  );
}
