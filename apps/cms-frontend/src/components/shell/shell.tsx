'use client';
/** Sidebar navigation, header (exchange selector, alerts, theme, user) and the connection banner. */
import { Activity, BarChart3, Bot, Cpu, FlaskConical, LayoutDashboard, ListOrdered, LogOut, Moon, Receipt, Sun, Users, Wallet } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { usePermissions } from '@/hooks/use-api';
import { cn } from '@/lib/utils';
import { AlertBell } from './alert-bell';
import { ConnectionBanner } from './connection-banner';
import { ExchangeSelector } from './exchange-selector';

const NAV = [
  { href: '/overview', label: 'Overview', icon: LayoutDashboard },
  { href: '/bots', label: 'Bots', icon: Bot },
  { href: '/orders', label: 'Orders', icon: ListOrdered },
  { href: '/trades', label: 'Trades', icon: Receipt },
  { href: '/stats', label: 'Stats', icon: BarChart3 },
  { href: '/wallets', label: 'Wallets', icon: Wallet },
  { href: '/engines', label: 'Engines', icon: Cpu },
  { href: '/backtests', label: 'Backtests', icon: FlaskConical },
  { href: '/users', label: 'Users', icon: Users, admin: true },
];

function ThemeToggle() {
  const [dark, setDark] = useState(true);
  return (
    <Button
      variant="ghost"
      size="icon"
      aria-label="Toggle theme"
      onClick={() => {
        const next = !document.documentElement.classList.contains('dark');
        document.documentElement.classList.toggle('dark', next);
        window.localStorage.setItem('cms-theme', next ? 'dark' : 'light');
        setDark(next);
      }}
    >
      {dark ? <Sun /> : <Moon />}
    </Button>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const { isAdmin, email, role } = usePermissions();
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-52 shrink-0 flex-col border-r border-neutral-200 bg-white px-3 py-4 md:flex dark:border-neutral-800 dark:bg-neutral-900">
        <Link href="/overview" className="mb-6 flex items-center gap-2 px-2 font-semibold">
          <Activity className="size-5 text-sky-500" /> Trading CMS
        </Link>
        <nav className="flex flex-col gap-1" aria-label="Main">
          {NAV.filter((n) => n.admin !== true || isAdmin).map(({ href, label, icon: Icon }) => (
            <Link
              key={href}
              href={href}
              className={cn(
                'flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-neutral-600 hover:bg-neutral-100 dark:text-neutral-400 dark:hover:bg-neutral-800',
                pathname.startsWith(href) && 'bg-neutral-100 font-medium text-neutral-900 dark:bg-neutral-800 dark:text-neutral-100',
              )}
            >
              <Icon className="size-4" /> {label}
            </Link>
          ))}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-neutral-200 bg-white/90 px-4 backdrop-blur dark:border-neutral-800 dark:bg-neutral-900/90">
          <nav className="flex gap-1 overflow-x-auto md:hidden" aria-label="Main (compact)">
            {NAV.filter((n) => n.admin !== true || isAdmin).map(({ href, icon: Icon, label }) => (
              <Link key={href} href={href} aria-label={label} className="rounded p-1.5 hover:bg-neutral-100 dark:hover:bg-neutral-800">
                <Icon className="size-4" />
              </Link>
            ))}
          </nav>
          <ExchangeSelector />
          <div className="ml-auto flex items-center gap-1">
            <AlertBell />
            <ThemeToggle />
            <span className="hidden text-xs text-neutral-500 lg:inline" data-testid="current-user">
              {email} · {role}
            </span>
            <Button variant="ghost" size="icon" aria-label="Sign out" onClick={() => void signOut({ callbackUrl: '/login' })}>
              <LogOut />
            </Button>
          </div>
        </header>
        <ConnectionBanner />
        <main className="min-w-0 flex-1 p-4 lg:p-6">{children}</main>
      </div>
    </div>
  );
}
