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

export type { PnlPoint, PnlSeries, PnlTotals } from '@trading/shared-types/browser';

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
