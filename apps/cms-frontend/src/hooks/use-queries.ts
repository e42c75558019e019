'use client';
/** Query hooks shared by several pages (key shapes must match live-cache.ts). */
import { useQuery } from '@tanstack/react-query';
import type { Bot, EngineInfo, Position, WalletPublic } from '@trading/shared-types/browser';
import type { Page, StrategyInfo } from '@/lib/api-types';
import { useApi } from './use-api';
import { useExchange } from './use-exchange';

export function useBots() {
  const api = useApi();
  const { exchange } = useExchange();
  return useQuery({ queryKey: ['bots', exchange], queryFn: () => api.get<Page<Bot>>('/api/bots', { exchange, limit: 100 }) });
}

export function usePositions() {
  const api = useApi();
  const { exchange } = useExchange();
  return useQuery({ queryKey: ['positions', exchange], queryFn: () => api.get<Page<Position>>('/api/positions', { exchange, limit: 100 }) });
}

export function useEngines() {
  const api = useApi();
  return useQuery({ queryKey: ['engines'], queryFn: () => api.get<Page<EngineInfo>>('/api/engines', { limit: 100 }) });
}

export function useWallets() {
  const api = useApi();
  const { exchange } = useExchange();
  return useQuery({ queryKey: ['wallets', exchange], queryFn: () => api.get<Page<WalletPublic>>('/api/wallets', { exchange, limit: 100 }) });
}

export function useStrategies() {
  const api = useApi();
  return useQuery({ queryKey: ['strategies'], queryFn: () => api.get<Page<StrategyInfo>>('/api/strategies'), staleTime: Infinity });
}
