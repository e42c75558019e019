/** The fields this app adds to NextAuth's session and JWT. */
import type { Exchange, UserRole } from '@trading/shared-types/browser';
import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface Session {
    accessToken: string;
    error?: 'RefreshFailed';
    user: { id: string; email: string; role: UserRole; allowedExchanges: Exchange[] };
  }
  interface User {
    id: string;
    email: string;
    role: UserRole;
    allowedExchanges: Exchange[];
    accessToken: string;
    refreshToken: string;
    accessExpiresAt: number;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    userId: string;
    email: string;
    role: UserRole;
    allowedExchanges: Exchange[];
    accessToken: string;
    refreshToken: string;
    accessExpiresAt: number;
    error?: 'RefreshFailed';
  }
}
