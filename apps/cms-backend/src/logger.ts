/** pino options shared by the API and the worker: secrets are redacted by path, whatever logs them. */
import type { DestinationStream, LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'credentials',
  'privateKey',
  'secret',
  'passphrase',
  'apiKey',
  'encryptedCredentials',
  'encryptedPrivateKey',
  'encryptedSecret',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.credentials',
  '*.privateKey',
  '*.secret',
  '*.passphrase',
  '*.apiKey',
  '*.encryptedCredentials',
  '*.encryptedPrivateKey',
  '*.encryptedSecret',
  '*.*.encryptedCredentials',
  'payload.bot.encryptedCredentials',
];

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

export type LogStream = DestinationStream;
