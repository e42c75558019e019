/**
 * NextAuth (v4) options: a credentials provider that logs in against the CMS backend, and a JWT callback that
 * refreshes the 15-minute access token with the backend's rotating refresh token shortly before it expires, so
 * a session lives as long as the refresh token. Kept out of route.ts (Next's route typecheck rejects extra
 * exports there).
 */
import type { AuthOptions, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { Exchange, UserRole } from '@trading/shared-types/browser';
import { serverApiUrl } from './config';

const DEV_SECRET = 'dev-only-nextauth-secret-change-me-0123456789';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

function secret(): string {
  const configured = process.env.NEXTAUTH_SECRET;
  if (configured !== undefined && configured !== '') return configured;
  if (process.env.NODE_ENV === 'production') {
    console.warn('\n!!! NEXTAUTH_SECRET is not set: using the public development secret. Set NEXTAUTH_SECRET in production. !!!\n');
  }
  return DEV_SECRET;
}

interface TokenResponse {
  token: string;
  accessToken?: string;
  refreshToken: string;
  expiresIn: number;
  user: { userId: string; email: string; role: UserRole; allowedExchanges: Exchange[] };
}

interface ErrorBody {
  error?: { message?: string } | string;
}

function errorMessage(body: unknown, fallback: string): string {
  const e = (body as ErrorBody | null)?.error;
  if (typeof e === 'string') return e;
  return e?.message ?? fallback;
}

async function postJson(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${serverApiUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** Message shown on the login page (NextAuth passes a thrown error's message through as `error`). */
export function loginErrorMessage(status: number, body: unknown): string {
  if (status === 401) return 'Invalid email or password.';
  if (status === 429) return 'Too many login attempts. Wait a minute and try again.';
  if (status === 400) return `Check the form: ${errorMessage(body, 'invalid input')}.`;
  return `The server answered ${status}: ${errorMessage(body, 'unexpected error')}.`;
}

async function login(email: string, password: string): Promise<User> {
  let result: { status: number; json: unknown };
  try {
    result = await postJson('/api/auth/login', { email, password });
  } catch {
    throw new Error(`Cannot reach the backend at ${serverApiUrl()}. Is it running?`);
  }
  if (result.status !== 200) throw new Error(loginErrorMessage(result.status, result.json));
  const data = result.json as TokenResponse;
  return {
    id: data.user.userId,
    email: data.user.email,
    role: data.user.role,
    allowedExchanges: data.user.allowedExchanges,
    accessToken: data.accessToken ?? data.token,
    refreshToken: data.refreshToken,
    accessExpiresAt: Date.now() + data.expiresIn * 1000,
  };
}

async function refresh(token: JWT): Promise<JWT> {
  try {
    const { status, json } = await postJson('/api/auth/refresh', { refreshToken: token.refreshToken });
    if (status !== 200) return { ...token, error: 'RefreshFailed' };
    const data = json as TokenResponse;
    return {
      ...token,
      accessToken: data.accessToken ?? data.token,
      refreshToken: data.refreshToken,
      accessExpiresAt: Date.now() + data.expiresIn * 1000,
      role: data.user.role,
      allowedExchanges: data.user.allowedExchanges,
      error: undefined,
    };
  } catch {
    return { ...token, error: 'RefreshFailed' };
  }
}

export const authOptions: AuthOptions = {
  secret: secret(),
  session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
  pages: { signIn: '/login' },
  providers: [
    CredentialsProvider({
      name: 'Email',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        if (credentials === undefined || credentials.email === '' || credentials.password === '') {
          throw new Error('Enter your email and password.');
        }
        return login(credentials.email, credentials.password);
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // `user` is only set right after authorize(); its type claims otherwise.
      const fresh = user as User | undefined;
      if (fresh !== undefined) {
        return {
          ...token,
          userId: fresh.id,
          email: fresh.email,
          role: fresh.role,
          allowedExchanges: fresh.allowedExchanges,
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken,
          accessExpiresAt: fresh.accessExpiresAt,
        };
      }
      if (Date.now() < token.accessExpiresAt - REFRESH_MARGIN_MS) return token;
      return refresh(token);
    },
    session({ session, token }) {
      session.accessToken = token.accessToken;
      session.user = { id: token.userId, email: token.email, role: token.role, allowedExchanges: token.allowedExchanges };
      if (token.error !== undefined) session.error = token.error;
      return session;
    },
  },
};
