'use client';
/** The REST client bound to the current session (token refreshed through NextAuth on a 401). */
import { getSession, signOut, useSession } from 'next-auth/react';
import { useMemo, useRef } from 'react';
import { createApiClient, type ApiClient } from '@/lib/api';
import { useApiUrl } from './use-config';

export function useApi(): ApiClient {
  const { data } = useSession();
  const baseUrl = useApiUrl();
  const tokenRef = useRef<string | undefined>(undefined);
  tokenRef.current = data?.accessToken;
  return useMemo(
    () =>
      createApiClient(
        baseUrl,
        () => tokenRef.current,
        async () => {
          const session = await getSession();
          if (session === null || session.error !== undefined) {
            await signOut({ callbackUrl: '/login' });
            return undefined;
          }
          tokenRef.current = session.accessToken;
          return session.accessToken;
        },
      ),
    [baseUrl],
  );
}

export interface Permissions {
  role: string;
  canMutate: boolean;
  isAdmin: boolean;
  email: string;
}

/** What the signed-in user may do; viewers get no mutating buttons. */
export function usePermissions(): Permissions {
  const { data } = useSession();
  const role = data?.user.role ?? 'viewer';
  return { role, canMutate: role === 'admin' || role === 'operator', isAdmin: role === 'admin', email: data?.user.email ?? '' };
}
