/**
 * The strategy catalogue, in code (so it exists without seeding — the seed's empty StrategyTemplate collection
 * made every bot creation fail). Each entry carries the JSON Schema of its config when schemas/strategies/
 * provides one (title <PascalName>Config), for the dashboard's forms; until then configSchema is null.
 */
import { SCHEMAS, SCHEMA_GROUPS, type Exchange, type SchemaName } from '@trading/shared-types';

export interface StrategyInfo {
  name: string;
  displayName: string;
  description: string;
  supportedExchanges: Exchange[];
  configSchemaName: string | null;
  configSchema: unknown;
}

const BASE: Omit<StrategyInfo, 'configSchema' | 'configSchemaName'>[] = [
  { name: 'market-making', displayName: 'Market making', description: 'Quotes both sides around the mid with inventory skew.', supportedExchanges: ['okx', 'polymarket'] },
  { name: 'signal-based', displayName: 'Signal based', description: 'Trades external signals above a confidence threshold.', supportedExchanges: ['okx', 'polymarket'] },
  { name: 'arbitrage', displayName: 'Cross-exchange arbitrage', description: 'Polymarket vs OKX price discrepancies.', supportedExchanges: ['okx', 'polymarket'] },
  { name: 'grid', displayName: 'Grid trading', description: 'Ladder of buy and sell orders in a price range.', supportedExchanges: ['okx'] },
  { name: 'funding-rate-arb', displayName: 'Funding-rate arbitrage', description: 'Spot vs perpetual carry on funding.', supportedExchanges: ['okx'] },
  { name: 'dca', displayName: 'Dollar-cost averaging', description: 'Buys a fixed amount on a schedule.', supportedExchanges: ['okx'] },
];

function pascal(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The schema name of a strategy's config, if schemas/strategies/ has one. */
export function strategySchemaName(strategy: string): SchemaName | null {
  const wanted = [`${pascal(strategy)}Config`, `${pascal(strategy)}StrategyConfig`];
  for (const name of Object.keys(SCHEMAS) as SchemaName[]) {
    if (SCHEMA_GROUPS[name] === 'strategies' && wanted.includes(name)) return name;
  }
  return null;
}

let cached: StrategyInfo[] | null = null;

/** Built once: the schemas are compiled into @trading/shared-types and do not change at run time. */
export function listStrategies(): StrategyInfo[] {
  cached ??= BASE.map((s) => {
    const schemaName = strategySchemaName(s.name);
    return { ...s, configSchemaName: schemaName, configSchema: schemaName ? SCHEMAS[schemaName] : null };
  });
  return cached;
}

export function findStrategy(name: string): StrategyInfo | undefined {
  return listStrategies().find((s) => s.name === name);
}
