/**
 * Where the backend is. The browser calls NEXT_PUBLIC_API_URL directly (REST and Socket.IO); NextAuth's
 * server-side code uses CMS_BACKEND_URL (inside docker the two differ).
 */
export const PUBLIC_API_URL = process.env.NEXT_PUBLIC_API_URL ?? 'http://localhost:3001';

export function serverApiUrl(): string {
  return process.env.CMS_BACKEND_URL ?? process.env.NEXT_PUBLIC_API_URL ?? 'http://localhost:3001';
}
