/**
 * OKX API-key authentication as the real venue checks it: REST headers (key 50111, passphrase 50105, timestamp
 * ±30 s 50102, HMAC-SHA256 of ts+METHOD+path?query+body 50113) and the WS `login` op (HMAC of ts+GET+/users/self/verify).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface OkxApiKey {
  apiKey: string;
  secret: string;
  passphrase: string;
}

export type AuthResult = { ok: true; apiKey: string } | { ok: false; code: string; msg: string };

export function okxSign(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function verifyRestAuth(
  keys: ReadonlyMap<string, OkxApiKey>,
  headers: IncomingHttpHeaders,
  method: string,
  rawPathWithQuery: string,
  rawBody: string,
  now: number,
): AuthResult {
  const apiKey = header(headers, 'ok-access-key');
  const sign = header(headers, 'ok-access-sign');
  const timestamp = header(headers, 'ok-access-timestamp');
  const passphrase = header(headers, 'ok-access-passphrase');
  if (!apiKey) return { ok: false, code: '50103', msg: 'Request header "OK-ACCESS-KEY" cannot be empty.' };
  if (!passphrase) return { ok: false, code: '50104', msg: 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.' };
  if (!sign) return { ok: false, code: '50106', msg: 'Request header "OK-ACCESS-SIGN" cannot be empty.' };
  if (!timestamp) return { ok: false, code: '50107', msg: 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.' };
  const key = keys.get(apiKey);
  if (!key) return { ok: false, code: '50111', msg: 'Invalid OK-ACCESS-KEY.' };
  if (!safeEqual(key.passphrase, passphrase)) return { ok: false, code: '50105', msg: 'Invalid OK-ACCESS-PASSPHRASE.' };
  const ts = Date.parse(timestamp);
  if (Number.isNaN(ts)) return { ok: false, code: '50112', msg: 'Invalid OK-ACCESS-TIMESTAMP.' };
  if (Math.abs(now - ts) > 30_000) return { ok: false, code: '50102', msg: 'Timestamp request expired.' };
  const prehash = `${timestamp}${method.toUpperCase()}`;
  const candidates = [rawPathWithQuery];
  try {
    const decoded = decodeURIComponent(rawPathWithQuery);
    if (decoded !== rawPathWithQuery) candidates.push(decoded);
  } catch {
    // keep only the raw form
  }
  for (const path of candidates) {
    if (safeEqual(okxSign(key.secret, `${prehash}${path}${rawBody}`), sign)) return { ok: true, apiKey };
  }
  return { ok: false, code: '50113', msg: 'Invalid Sign' };
}

export interface WsLoginArg {
  apiKey?: unknown;
  passphrase?: unknown;
  timestamp?: unknown;
  sign?: unknown;
}

/** WS login: timestamp in Unix seconds; sign = HMAC(ts + 'GET' + '/users/self/verify'). */
export function verifyWsLogin(keys: ReadonlyMap<string, OkxApiKey>, arg: WsLoginArg, now: number): AuthResult {
  if (typeof arg.apiKey !== 'string' || typeof arg.passphrase !== 'string' || typeof arg.timestamp !== 'string' || typeof arg.sign !== 'string') {
    return { ok: false, code: '60009', msg: 'Login failed.' };
  }
  const key = keys.get(arg.apiKey);
  if (!key) return { ok: false, code: '60005', msg: 'Invalid OK-ACCESS-KEY' };
  if (!safeEqual(key.passphrase, arg.passphrase)) return { ok: false, code: '60024', msg: 'Wrong passphrase' };
  const seconds = Number(arg.timestamp);
  if (!Number.isFinite(seconds) || Math.abs(now / 1000 - seconds) > 30) return { ok: false, code: '60004', msg: 'Invalid timestamp' };
  if (!safeEqual(okxSign(key.secret, `${arg.timestamp}GET/users/self/verify`), arg.sign)) {
    return { ok: false, code: '60009', msg: 'Login failed.' };
  }
  return { ok: true, apiKey: arg.apiKey };
}
