import type { Locale, LoginResponse, UpdateMeBody, User } from '@zhibu/shared';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api/http';
import { getSession, onSessionChange, setSession, updateSessionUser } from '../api/session';
import { i18n, rememberLocale } from '../i18n';
import { configureTime } from '../time/dayjs';

export interface AuthState {
  user: User | null;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  updateMe(patch: UpdateMeBody): Promise<User>;
  /** Switches the interface language; stored locally and, when signed in, on the account. */
  setLocale(locale: Locale): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

function applyUserPreferences(user: User | null): void {
  if (!user) return;
  configureTime(user.timeZone, user.locale);
  if (i18n.language !== user.locale) void i18n.changeLanguage(user.locale);
  rememberLocale(user.locale);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(() => getSession()?.user ?? null);

  useEffect(() => {
    applyUserPreferences(getSession()?.user ?? null);
    return onSessionChange((session) => {
      setUser(session?.user ?? null);
      applyUserPreferences(session?.user ?? null);
    });
  }, []);

  // Refresh the profile once per load: role, locale or time zone may have changed elsewhere.
  useEffect(() => {
    if (!getSession()) return;
    api<User>('/api/v1/me').then(updateSessionUser, () => undefined);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const response = await api<LoginResponse>('/api/v1/auth/login', {
      method: 'POST',
      body: { username, password },
      auth: false,
    });
    setSession(response);
    return response.user;
  }, []);

  const logout = useCallback(async () => {
    const session = getSession();
    setSession(null);
    if (session) {
      await api('/api/v1/auth/logout', {
        method: 'POST',
        body: { refreshToken: session.refreshToken },
        auth: false,
      }).catch(() => undefined); // Signed out locally either way; the token expires on its own.
    }
  }, []);

  const updateMe = useCallback(async (patch: UpdateMeBody) => {
    const next = await api<User>('/api/v1/me', { method: 'PATCH', body: patch });
    updateSessionUser(next);
    return next;
  }, []);

  const setLocale = useCallback(
    async (locale: Locale) => {
      rememberLocale(locale);
      await i18n.changeLanguage(locale);
      configureTime(getSession()?.user.timeZone, locale);
      if (getSession()) await updateMe({ locale });
    },
    [updateMe],
  );

  const value = useMemo(
    () => ({ user, login, logout, updateMe, setLocale }),
    [user, login, logout, updateMe, setLocale],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
