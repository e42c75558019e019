'use client';
/**
 * One Socket.IO connection per signed-in tab. The handshake carries the access token; when the server drops
 * the socket (token expiry) or refuses it, a fresh token is fetched from the session and the socket reconnects
 * with backoff. Every engine event goes through live-cache into the Query cache, filtered by the header's
 * exchange selector. Pages ask for bot rooms with useBotRoom and backtest rooms with useBacktestRoom (re-joined
 * after each reconnect); `backtest-progress` patches the run's query (['backtest', id]) in place.
 */
import { useQueryClient } from '@tanstack/react-query';
import { getSession, useSession } from 'next-auth/react';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { Backtest, BacktestProgress, EngineEvent } from '@trading/shared-types/browser';
import { applyEvent, createThrottledInvalidator } from '@/lib/live-cache';
import { useApiUrl } from './use-config';
import { matchesExchange, useExchange } from './use-exchange';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

interface RealtimeContextValue {
  state: ConnectionState;
  lastError: string | null;
  joinBot: (botId: string) => () => void;
  joinBacktest: (backtestId: string) => () => void;
}

const RealtimeContext = createContext<RealtimeContextValue>({ state: 'connecting', lastError: null, joinBot: () => () => undefined, joinBacktest: () => () => undefined });

function isBacktestProgress(value: unknown): value is BacktestProgress {
  const v = value as Partial<BacktestProgress> | null;
  return typeof v === 'object' && v !== null && typeof v.backtestId === 'string' && typeof v.progress === 'number' && typeof v.status === 'string';
}

/** Reference-counted room membership (several components may watch the same bot or run). */
function roomJoiner(rooms: Map<string, number>, socket: () => Socket | null, event: string): (id: string) => () => void {
  return (id) => {
    const count = rooms.get(id) ?? 0;
    rooms.set(id, count + 1);
    if (count === 0) socket()?.emit(`subscribe:${event}`, id);
    return () => {
      const left = (rooms.get(id) ?? 1) - 1;
      if (left > 0) {
        rooms.set(id, left);
        return;
      }
      rooms.delete(id);
      socket()?.emit(`unsubscribe:${event}`, id);
    };
  };
}

function isEngineEvent(value: unknown): value is EngineEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && 'payload' in value;
}

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const { data: session } = useSession();
  const token = session?.accessToken;
  const { exchange } = useExchange();
  const apiUrl = useApiUrl();
  const exchangeRef = useRef(exchange);
  exchangeRef.current = exchange;
  const socketRef = useRef<Socket | null>(null);
  const bots = useRef(new Map<string, number>());
  const backtests = useRef(new Map<string, number>());
  const [state, setState] = useState<ConnectionState>('connecting');
  const [lastError, setLastError] = useState<string | null>(null);
  const hasToken = token !== undefined;
  const tokenRef = useRef(token);
  tokenRef.current = token;

  useEffect(() => {
    if (!hasToken) return;
    const invalidate = createThrottledInvalidator(qc);
    const socket = io(apiUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: (cb) => {
        cb({ token: tokenRef.current });
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    socketRef.current = socket;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    const reconnectWithFreshToken = () => {
      clearTimeout(retry);
      const delay = Math.min(500 * 2 ** attempts, 5000);
      attempts += 1;
      retry = setTimeout(() => {
        void getSession().then((s) => {
          if (s?.accessToken !== undefined) tokenRef.current = s.accessToken;
          socket.connect();
        });
      }, delay);
    };
    socket.on('connect', () => {
      attempts = 0;
      setState('connected');
      setLastError(null);
      for (const botId of bots.current.keys()) socket.emit('subscribe:bot', botId);
      for (const backtestId of backtests.current.keys()) socket.emit('subscribe:backtest', backtestId);
      // Anything that happened while we were away is refetched once.
      void qc.invalidateQueries({ refetchType: 'active' });
    });
    socket.on('disconnect', (reason) => {
      setState('disconnected');
      setLastError(reason);
      // The server closed it (token expired): socket.io does not retry this case by itself.
      if (reason === 'io server disconnect') reconnectWithFreshToken();
    });
    socket.on('connect_error', (err) => {
      setState('disconnected');
      setLastError(err.message);
      if (!socket.active) reconnectWithFreshToken();
    });
    socket.on('backtest-progress', (payload: unknown) => {
      if (!isBacktestProgress(payload)) return;
      qc.setQueryData<Backtest>(['backtest', payload.backtestId], (old) => (old === undefined ? old : { ...old, status: payload.status, progress: payload.progress, error: payload.error }));
      // Statistics and the equity curve are read once, when the run ends.
      if (payload.status === 'done' || payload.status === 'failed') {
        void qc.invalidateQueries({ queryKey: ['backtest', payload.backtestId] });
        void qc.invalidateQueries({ queryKey: ['backtests'] });
      }
    });
    socket.onAny((_name: string, payload: unknown) => {
      if (!isEngineEvent(payload)) return;
      if (!matchesExchange(exchangeRef.current, payload.exchange)) return;
      applyEvent(qc, payload, invalidate);
    });
    return () => {
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [hasToken, qc, apiUrl]);

  const value = useMemo<RealtimeContextValue>(
    () => ({
      state,
      lastError,
      joinBot: roomJoiner(bots.current, () => socketRef.current, 'bot'),
      joinBacktest: roomJoiner(backtests.current, () => socketRef.current, 'backtest'),
    }),
    [state, lastError],
  );
  return <RealtimeContext value={value}>{children}</RealtimeContext>;
}

export function useRealtime(): RealtimeContextValue {
  return useContext(RealtimeContext);
}

/** Joins the backtest's room (progress events) while the calling component is mounted. */
export function useBacktestRoom(backtestId: string | null): void {
  const { joinBacktest } = useRealtime();
  useEffect(() => (backtestId === null ? undefined : joinBacktest(backtestId)), [backtestId, joinBacktest]);
}

/** Joins the bot's room while the calling component is mounted. */
export function useBotRoom(botId: string): void {
  const { joinBot } = useRealtime();
  useEffect(() => joinBot(botId), [botId, joinBot]);
}
