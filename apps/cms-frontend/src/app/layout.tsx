/** Root layout: dark by default; the saved theme is applied before paint to avoid a flash. */
import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'Trading CMS', description: 'Multi-exchange trading bots: live dashboard.' };

const THEME_SCRIPT = `try{if(localStorage.getItem('cms-theme')==='light'){document.documentElement.classList.remove('dark')}}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-neutral-50 text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100">{children}</body>
    </html>
  );
}
