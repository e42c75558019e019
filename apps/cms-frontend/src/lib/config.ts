/**
 * Where the backend is. Read on the server at request time (not inlined at build time), so one build or docker
 * image works against any backend: the dashboard layout hands the public URL to the browser through context.
 * - NEXT_PUBLIC_API_URL (default http://localhost:3001): what the browser calls (REST and Socket.IO);
 * - CMS_BACKEND_URL (default: the public URL): what NextAuth calls from the server (differs inside docker).
 */
const DEFAULT_API_URL = 'http://localhost:3001';

// A computed key keeps the bundler from replacing NEXT_PUBLIC_* with its build-time value.
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function publicApiUrl(): string {
  return env(['NEXT', 'PUBLIC', 'API', 'URL'].join('_')) ?? DEFAULT_API_URL;
}

export function serverApiUrl(): string {
  return env('CMS_BACKEND_URL') ?? publicApiUrl();
}
