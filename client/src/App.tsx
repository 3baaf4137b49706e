import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { type ReactNode, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { ApiError } from './api/http';
import { onSessionChange } from './api/session';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { RouteError } from './errors/RouteError';
import { AppLayout } from './layout/AppLayout';
import { InvitePage } from './pages/invite/InvitePage';
import { LoginPage } from './pages/login/LoginPage';
import { RegisterPage } from './pages/register/RegisterPage';
import { startRealtime } from './realtime/socket';
import { type AppRoute, appRoutes, homePath } from './routes';

const queryClient = new QueryClient({
  queryCache: new QueryCache(),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function Guarded({ route }: { route: AppRoute }) {
  const { user } = useAuth();
  if (route.roles && (!user || !route.roles.includes(user.role))) {
    return <Navigate to={homePath(user?.role)} replace />;
  }
  return <>{route.element}</>;
}

function Home() {
  const { user } = useAuth();
  return <Navigate to={homePath(user?.role)} replace />;
}

// A failing page shows <RouteError /> (friendly, translated, with a reload button); inside the signed-in
// layout the navigation stays usable around it.
const failure = <RouteError />;
const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: failure },
  { path: '/register', element: <RegisterPage />, errorElement: failure },
  { path: '/invite/:token', element: <InvitePage />, errorElement: failure },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: failure,
    children: [
      { index: true, element: <Home /> },
      ...appRoutes.map((route) => ({
        path: route.path,
        element: <Guarded route={route} />,
        errorElement: failure,
      })),
      { path: '*', element: <Home /> },
    ],
  },
]);

function Themed() {
  const { i18n } = useTranslation();
  useEffect(() => {
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);
  useEffect(() => startRealtime(), []);
  // Nothing cached for one account may show to the next one on this device.
  useEffect(() => onSessionChange((session) => (session ? undefined : queryClient.clear())), []);
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#c8161d', borderRadius: 6 } }}
    >
      <AntdApp>
        <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} />}>
          <RouterProvider router={router} />
        </Suspense>
      </AntdApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <Themed />
      </AuthProvider>
    </QueryClientProvider>
  );
}
