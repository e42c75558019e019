/** Every dashboard page requires a session (checked on the server); the shell and providers wrap them. */
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { Shell } from '@/components/shell/shell';
import { authOptions } from '@/lib/auth';
import { publicApiUrl } from '@/lib/config';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions);
  if (session === null || session.error !== undefined) redirect('/login');
  return (
    <Providers session={session} apiUrl={publicApiUrl()}>
      <Shell>{children}</Shell>
    </Providers>
  );
}
