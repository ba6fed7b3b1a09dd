import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ask, ApiError } from './api/client';
import type { User } from './api/types';

export type { User };

interface Session {
  /** undefined while the first check runs; null when nobody is logged in */
  user: User | null | undefined;
  login(email: string, password: string): Promise<void>;
  register(name: string, email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** The logged-in buyer, from the session cookie the API sets (HttpOnly: the page never sees it). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    ask(api.GET('/api/auth/me')).then(
      (me) => setUser(me.user),
      () => setUser(null),
    );
  }, []);
  const login = useCallback(async (email: string, password: string) => {
    setUser((await ask(api.POST('/api/auth/login', { body: { email, password } }))).user);
  }, []);
  const register = useCallback(async (name: string, email: string, password: string) => {
    setUser((await ask(api.POST('/api/auth/register', { body: { name, email, password } }))).user);
  }, []);
  const logout = useCallback(async () => {
    try {
      await ask(api.POST('/api/auth/logout'));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
    setUser(null);
  }, []);
  const value = useMemo(() => ({ user, login, register, logout }), [user, login, register, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
