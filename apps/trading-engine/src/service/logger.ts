/** Structured JSON logs (pino) for the engine service; every line carries the engine id. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(engineId: string, level: string): Logger {
  return pino({
    level,
    base: { service: 'trading-engine', engineId },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
