/** Response shapes of the CMS API that no schema in schemas/ describes (envelopes, series, catalogue). */
import type { Exchange } from '@trading/shared-types/browser';
import type { JsonSchema } from './schema-form';

export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  limit: number;
  totalPages: number;
}

export interface PnlPoint {
  timestamp: string;
  realizedPnl: string;
  unrealizedPnl: string;
  totalPnl: string;
  fees: string;
  equity: string;
  bots: number;
}

export interface PnlSeries {
  scope: 'bot' | 'exchange' | 'portfolio';
  bucket: string;
  from: string;
  to: string;
  series: PnlPoint[];
  summary: Omit<PnlPoint, 'timestamp'>;
}

export interface StrategyInfo {
  name: string;
  displayName: string;
  description: string;
  supportedExchanges: Exchange[];
  configSchemaName: string | null;
  configSchema: JsonSchema | null;
}

export interface NotificationRow {
  notificationId: string;
  exchange: Exchange | null;
  botId: string | null;
  type?: string;
  notificationType?: string;
  severity: string;
  title: string;
  message: string;
  isRead?: boolean;
  createdAt: string;
}

export interface StateHistoryRow {
  botId: string;
  from?: string;
  fromState?: string;
  to?: string;
  toState?: string;
  reason?: string | null;
  at: string;
}

export interface LogRow {
  botId: string;
  level: string;
  message: string;
  timestamp: string | number;
}

export interface BacktestRun {
  backtestId: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: number;
  error?: string | null;
  stats?: Record<string, string | number | null>;
  equityCurve?: { timestamp: number; equity: string }[];
}
