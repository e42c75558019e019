'use client';
/**
 * One Socket.IO connection per signed-in tab. The handshake carries the access token; when the server drops
 * the socket (token expiry) or refuses it, a fresh token is fetched from the session and the socket reconnects
 * with backoff. Every engine event goes through live-cache into the Query cache, filtered by the header's
 * exchange selector. Pages ask for bot rooms with useBotRoom (re-joined after each reconnect).
 */
import { useQueryClient } from '@tanstack/react-query';
import { getSession, useSession } from 'next-auth/react';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { EngineEvent } from '@trading/shared-types/browser';
import { applyEvent, createThrottledInvalidator } from '@/lib/live-cache';
import { useApiUrl } from './use-config';
import { matchesExchange, useExchange } from './use-exchange';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

interface RealtimeContextValue {
  state: ConnectionState;
  lastError: string | null;
  joinBot: (botId: string) => () => void;
}

const RealtimeContext = createContext<RealtimeContextValue>({ state: 'connecting', lastError: null, joinBot: () => () => undefined });

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
      joinBot: (botId) => {
        const count = bots.current.get(botId) ?? 0;
        bots.current.set(botId, count + 1);
        if (count === 0) socketRef.current?.emit('subscribe:bot', botId);
        return () => {
          const left = (bots.current.get(botId) ?? 1) - 1;
          if (left > 0) {
            bots.current.set(botId, left);
            return;
          }
          bots.current.delete(botId);
          socketRef.current?.emit('unsubscribe:bot', botId);
        };
      },
    }),
    [state, lastError],
  );
  return <RealtimeContext value={value}>{children}</RealtimeContext>;
}

export function useRealtime(): RealtimeContextValue {
  return useContext(RealtimeContext);
}

/** Joins the bot's room while the calling component is mounted. */
export function useBotRoom(botId: string): void {
  const { joinBot } = useRealtime();
  useEffect(() => joinBot(botId), [botId, joinBot]);
}
