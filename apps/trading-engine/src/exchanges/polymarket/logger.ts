/** The adapter's logging seam: pino by default, anything with warn/info/error in tests or the kernel. */
import { pino } from 'pino';

export interface AdapterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function defaultLogger(): AdapterLogger {
  return pino({ name: 'polymarket', level: process.env.LOG_LEVEL ?? 'warn' });
}
