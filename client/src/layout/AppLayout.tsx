import { LogoutOutlined, MailOutlined, UsergroupAddOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Avatar, Dropdown, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { orgApi, orgKeys } from '../api/org';
import { useAuth } from '../auth/AuthContext';
import { navItems } from '../routes';
import { EmailModal } from './EmailModal';
import { LanguageSwitch } from './LanguageSwitch';
import { MyBranches } from './MyBranches';
import { NotificationBell } from './NotificationBell';

const { Header, Sider, Content } = Layout;

/** The signed-in frame: left navigation, a header with bell, language and user menu, and the page. */
export function AppLayout() {
  const { t } = useTranslation(['nav', 'common', 'auth']);
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [editingEmail, setEditingEmail] = useState(false);

  const mine = useQuery({
    queryKey: orgKeys.myMemberships,
    queryFn: orgApi.myMemberships,
    staleTime: 60_000,
    enabled: user !== null && user.role !== 'resident',
  });
  const positions = useQuery({
    queryKey: orgKeys.myPositions,
    queryFn: orgApi.myPositions,
    staleTime: 60_000,
    enabled: user !== null && user.role !== 'resident',
  });
  const memberships = mine.data?.items;
  const myPositions = positions.data ?? null;
  const visible = useMemo(
    () =>
      navItems.filter(
        (item) =>
          user &&
          (!item.roles || item.roles.includes(user.role)) &&
          (!item.visible || item.visible({ user, memberships: memberships ?? [], positions: myPositions })),
      ),
    [user, memberships, myPositions],
  );
  const selected = visible.find((item) => location.pathname.startsWith(item.path))?.key;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        collapsible
        // Phones: the navigation folds to icons so that forms (the grid report) keep the width.
        breakpoint="md"
        collapsed={collapsed}
        onCollapse={setCollapsed}
        theme="light"
        width={208}
        style={{ borderRight: '1px solid rgba(5,5,5,0.06)' }}
      >
        <div className="zb-brand" data-testid="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          {!collapsed && <span>{t('common:appName')}</span>}
        </div>
        <Menu
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={visible.map((item) => ({
            key: item.key,
            icon: item.icon,
            label: t(`nav:${item.labelKey}`),
            onClick: () => void navigate(item.path),
          }))}
          style={{ borderInlineEnd: 'none' }}
          data-testid="main-nav"
        />
      </Sider>
      <Layout>
        <Header className="zb-header">
          <MyBranches />
          <Space size="middle">
            <NotificationBell />
            <LanguageSwitch />
            <Dropdown
              menu={{
                items: [
                  {
                    key: 'email',
                    icon: <MailOutlined />,
                    label: t('grid:digestEmail.menu'),
                    onClick: () => setEditingEmail(true),
                  },
                  {
                    key: 'invitations',
                    icon: <UsergroupAddOutlined />,
                    label: t('invite:title'),
                    onClick: () => void navigate('/invitations'),
                  },
                  {
                    key: 'logout',
                    icon: <LogoutOutlined />,
                    label: t('auth:logout'),
                    onClick: () => {
                      void logout().then(() => navigate('/login', { replace: true }));
                    },
                  },
                ],
              }}
            >
              <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} style={{ background: '#c8161d' }} />
                <Typography.Text>{user?.displayName}</Typography.Text>
              </Space>
            </Dropdown>
            <EmailModal open={editingEmail} onClose={() => setEditingEmail(false)} />
          </Space>
        </Header>
        <Content className="zb-content">
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 96 }} />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
