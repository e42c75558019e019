'use client';
/** Email + password against the backend (through NextAuth); the backend's reason is shown as is. */
import { Activity } from 'lucide-react';
import { useRouter, useSearchParams } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { FieldError, Input, Label } from '@/components/ui/input';

/** Only same-origin paths are accepted as a post-login target (no open redirect). */
function safeCallback(value: string | null): string {
  if (value === null || !value.startsWith('/') || value.startsWith('//')) return '/overview';
  return value;
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(params.get('error') === 'SessionRequired' ? 'Please sign in.' : null);
  const [pending, setPending] = useState(false);

  async function submit(e: SyntheticEvent) {
    e.preventDefault();
    if (!/^\S+@\S+\.\S+$/.test(email)) {
      setError('Enter a valid email address.');
      return;
    }
    if (password === '') {
      setError('Enter your password.');
      return;
    }
    setPending(true);
    setError(null);
    const result = await signIn('credentials', { email, password, redirect: false });
    setPending(false);
    if (result === undefined || !result.ok || result.error !== null) {
      setError(result?.error ?? 'Sign-in failed.');
      return;
    }
    router.replace(safeCallback(params.get('callbackUrl')));
    router.refresh();
  }

  return (
    <Card className="w-full max-w-sm">
      <CardContent className="p-6">
        <div className="mb-6 flex items-center gap-2 text-lg font-semibold">
          <Activity className="size-5 text-sky-500" /> Trading CMS
        </div>
        <form className="space-y-4" onSubmit={(e) => void submit(e)} noValidate>
          <div className="space-y-1">
            <Label htmlFor="email">Email</Label>
            <Input id="email" name="email" type="email" autoComplete="username" value={email} onChange={(e) => { setEmail(e.target.value); }} required />
          </div>
          <div className="space-y-1">
            <Label htmlFor="password">Password</Label>
            <Input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => { setPassword(e.target.value); }} required />
          </div>
          <FieldError message={error} id="login-error" />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
