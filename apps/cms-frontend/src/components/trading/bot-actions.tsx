'use client';
/**
 * Start / pause / resume / stop buttons for one bot, enabled by its state. Live bots ask for confirmation
 * first (a live start sends real orders). Hidden entirely for viewers.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Pause, Play, Square, StepForward } from 'lucide-react';
import { useState } from 'react';
import type { Bot, BotState } from '@trading/shared-types/browser';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { useApi, usePermissions } from '@/hooks/use-api';

type Action = 'start' | 'pause' | 'resume' | 'stop';

const ALLOWED: Record<Action, BotState[]> = {
  start: ['IDLE', 'STOPPED', 'ERROR', 'RISK_STOPPED'],
  pause: ['RUNNING'],
  resume: ['PAUSED'],
  stop: ['RUNNING', 'PAUSED', 'STARTING', 'PAUSING'],
};

const ICON = { start: Play, pause: Pause, resume: StepForward, stop: Square };

export function BotActions({ bot, size = 'sm' }: { bot: Pick<Bot, 'botId' | 'name' | 'mode' | 'status'>; size?: 'sm' | 'default' }) {
  const api = useApi();
  const qc = useQueryClient();
  const { canMutate } = usePermissions();
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (action: Action) => api.send<unknown>('POST', `/api/bots/${bot.botId}/${action}`),
    onSuccess: () => {
      setError(null);
      // The engine's state events arrive over the socket, often before the database has stored them; an immediate
      // refetch could overwrite a live RUNNING with a stale STARTING. Re-read once, after the workers caught up.
      setTimeout(() => {
        void qc.invalidateQueries({ queryKey: ['bot', bot.botId] });
      }, 3000);
    },
    onError: (e) => {
      setError(e.message);
    },
  });
  if (!canMutate) return null;
  const run = (action: Action) => {
    if (bot.mode === 'live') setConfirm(action);
    else mutation.mutate(action);
  };
  return (
    <div className="flex items-center gap-1" data-testid="bot-actions">
      {(Object.keys(ALLOWED) as Action[])
        .filter((a) => ALLOWED[a].includes(bot.status))
        .map((a) => {
          const Icon = ICON[a];
          return (
            <Button key={a} size={size} variant={a === 'stop' ? 'destructive' : 'outline'} disabled={mutation.isPending} onClick={() => { run(a); }} aria-label={`${a} ${bot.name}`} data-action={a}>
              <Icon /> {a.charAt(0).toUpperCase() + a.slice(1)}
            </Button>
          );
        })}
      {error !== null && <span role="alert" className="text-xs text-red-500">{error}</span>}
      <Dialog open={confirm !== null} onOpenChange={(open) => { if (!open) setConfirm(null); }}>
        <DialogContent title={`${confirm ?? ''} live bot “${bot.name}”?`} description="This bot trades with real funds on the exchange.">
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button
              variant="destructive"
              onClick={() => {
                if (confirm !== null) mutation.mutate(confirm);
                setConfirm(null);
              }}
            >
              Yes, {confirm}
            </Button>
          </div>
        </DialogContent>
      </Dialog>
    </div>
  );
}
