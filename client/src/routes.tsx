import {
  AlertOutlined,
  BookOutlined,
  DashboardOutlined,
  FileTextOutlined,
  MessageOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import {
  type AccountRole,
  LeadingBranchRoles,
  type MyMembership,
  type MyPositions,
  type User,
} from '@zhibu/shared';
import { lazy, type ReactNode } from 'react';

/**
 * The route registry. Each area registers its pages here (one entry per page) and, when the area has a
 * place in the left navigation, one `navItems` entry. Keep entries in area order; add, don't reorder.
 * Pages are lazy so that each area ships as its own chunk.
 */
export interface AppRoute {
  /** Path under the signed-in layout, e.g. 'channels/:channelId'. */
  path: string;
  element: ReactNode;
  /** Account roles that may open it; default: everyone signed in. The server still checks everything. */
  roles?: readonly AccountRole[];
}

export interface NavItem {
  key: string;
  path: string;
  /** Key in the `nav` namespace. */
  labelKey: string;
  icon: ReactNode;
  roles?: readonly AccountRole[];
  /** A finer check than `roles`, from what the client knows about the user (hides, never protects). */
  visible?: (who: Who) => boolean;
}

/** What the client knows about the signed-in user; `positions` is null until loaded (or for residents). */
export interface Who {
  user: User;
  memberships: readonly MyMembership[];
  positions: MyPositions | null;
}

/** Admins, committee admins (党委管理员) and branch leaders (书记、副书记、支委) manage. */
const manages = ({ user, memberships, positions }: Who) =>
  user.role === 'admin' ||
  (positions?.adminOfCommittees.length ?? 0) > 0 ||
  memberships.some((m) => LeadingBranchRoles.includes(m.role));

const ChannelsPage = lazy(() => import('./pages/channels'));
const SessionsPage = lazy(() => import('./pages/sessions'));
const StudyPage = lazy(() => import('./pages/study'));
const DocumentsPage = lazy(() => import('./pages/documents'));
const GridPage = lazy(() => import('./pages/grid'));
const DashboardPage = lazy(() => import('./pages/dashboard'));
const AdminPage = lazy(() => import('./pages/admin'));
const MyInvitationsPage = lazy(() => import('./pages/invite/MyInvitations'));

const members: readonly AccountRole[] = ['admin', 'user'];

export const navItems: NavItem[] = [
  { key: 'channels', path: '/channels', labelKey: 'channels', icon: <MessageOutlined />, roles: members },
  { key: 'sessions', path: '/sessions', labelKey: 'sessions', icon: <TeamOutlined />, roles: members },
  { key: 'study', path: '/study', labelKey: 'study', icon: <BookOutlined />, roles: members },
  { key: 'documents', path: '/documents', labelKey: 'documents', icon: <FileTextOutlined />, roles: members },
  { key: 'grid', path: '/grid', labelKey: 'grid', icon: <AlertOutlined /> },
  {
    key: 'dashboard',
    path: '/dashboard',
    labelKey: 'dashboard',
    icon: <DashboardOutlined />,
    roles: members,
  },
  {
    key: 'admin',
    path: '/admin',
    labelKey: 'admin',
    icon: <SettingOutlined />,
    roles: members,
    visible: manages,
  },
];

export const appRoutes: AppRoute[] = [
  { path: 'channels/*', element: <ChannelsPage />, roles: members },
  { path: 'sessions/*', element: <SessionsPage />, roles: members },
  { path: 'study/*', element: <StudyPage />, roles: members },
  { path: 'documents/*', element: <DocumentsPage />, roles: members },
  { path: 'grid/*', element: <GridPage /> },
  { path: 'dashboard/*', element: <DashboardPage />, roles: members },
  { path: 'admin/*', element: <AdminPage />, roles: members },
  /** Invitations addressed to the signed-in account (a resident may be invited too). */
  { path: 'invitations', element: <MyInvitationsPage /> },
];

/** Where a user lands after signing in. */
export function homePath(role: AccountRole | undefined): string {
  return role === 'resident' ? '/grid' : '/channels';
}
