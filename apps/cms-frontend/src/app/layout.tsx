import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'Trading Platform' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-neutral-950 text-neutral-100">{children}</body>
    </html>
  );
}
