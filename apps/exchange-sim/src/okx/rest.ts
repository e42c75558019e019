/**
 * OKX V5 REST on the simulator: public market data and the signed account/trade endpoints, with OKX's envelope
 * (`code` string, `data` array, per-item sCode/sMsg, inTime/outTime on trade endpoints), HTTP 401 on auth
 * failures and HTTP 429 / 50011 when the rate-limit fault is armed.
 */
import type { ServerResponse } from 'node:http';
import { isRecord, parseJson, sendJson } from '../http-util.js';
import type { VenueRequest } from '../venue.js';
import type { OkxFaults } from '../faults/okx-faults.js';
import { verifyRestAuth } from './auth.js';
import type { ItemResult, OkxExchange } from './exchange.js';
import { instrumentToOkx } from './instruments.js';
import type { OkxAccount } from './types.js';
import {
  balanceToOkx,
  fillToOkx,
  fundingBillToOkx,
  fundingToOkx,
  markToOkx,
  orderToOkx,
  positionToOkx,
  tickerToOkx,
  tradeToOkx,
} from './wire.js';

/** OKX's paging parameters of a list endpoint: `after`/`before` by billId, `begin`/`end` by time (ms), `limit` ≤ 100. */
function pageQuery(q: URLSearchParams): { after: number | null; before: number | null; begin: number | null; end: number | null; limit: number } {
  const num = (name: string): number | null => {
    const raw = q.get(name);
    return raw === null || raw === '' || !Number.isFinite(Number(raw)) ? null : Number(raw);
  };
  return { after: num('after'), before: num('before'), begin: num('begin'), end: num('end'), limit: Math.min(100, Math.max(1, num('limit') ?? 100)) };
}

export interface OkxRestDeps {
  exchange: OkxExchange;
  faults: OkxFaults;
  now: () => number;
  /** Requests held open by the timeout fault; ended on close. */
  held: Set<ServerResponse>;
}

const micros = (ms: number) => String(ms * 1000);

function ok(res: ServerResponse, data: unknown[]): void {
  sendJson(res, 200, { code: '0', msg: '', data });
}

function fail(res: ServerResponse, code: string, msg: string, status = 200): void {
  sendJson(res, status, { code, msg, data: [] });
}

function tradeReply(
  res: ServerResponse,
  items: (ItemResult | Record<string, string>)[],
  inTime: number,
  now: number,
): void {
  const failed = items.filter((i) => i.sCode !== '0').length;
  const code = failed === 0 ? '0' : failed === items.length ? '1' : '2';
  const msg =
    code === '1' ? 'All operations failed' : code === '2' ? 'Bulk operation partially succeeded' : '';
  sendJson(res, 200, { code, msg, data: items, inTime: micros(inTime), outTime: micros(now) });
}

export async function handleOkxRest(deps: OkxRestDeps, request: VenueRequest): Promise<boolean> {
  const { req, res, url, rawBody } = request;
  const path = url.pathname;
  if (!path.startsWith('/api/v5/')) return false;
  const { exchange, faults, now } = deps;
  const inTime = now();
  if (faults.takeRateLimit()) {
    sendJson(res, 429, { code: '50011', msg: 'Too Many Requests', data: [] });
    return true;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const q = url.searchParams;
  const route = `${method} ${path}`;

  // ---------------------------------------------------------------- public
  switch (route) {
    case 'GET /api/v5/public/time':
      ok(res, [{ ts: String(now()) }]);
      return true;
    case 'GET /api/v5/public/instruments': {
      const instType = q.get('instType');
      if (!instType) {
        fail(res, '50014', 'Parameter instType can not be empty.', 400);
        return true;
      }
      const instId = q.get('instId');
      ok(
        res,
        [...exchange.markets.values()]
          .filter((m) => m.def.instType === instType && (!instId || m.def.instId === instId))
          .map((m) => instrumentToOkx(m.def)),
      );
      return true;
    }
    case 'GET /api/v5/market/ticker':
    case 'GET /api/v5/market/books':
    case 'GET /api/v5/market/trades':
    case 'GET /api/v5/public/funding-rate': {
      const m = exchange.market(q.get('instId') ?? '');
      if (!m) {
        fail(res, '51001', "Instrument ID doesn't exist.");
        return true;
      }
      const t = now();
      if (route.endsWith('/ticker')) ok(res, [tickerToOkx(m, t)]);
      else if (route.endsWith('/funding-rate')) {
        if (m.def.instType !== 'SWAP') fail(res, '51000', 'Parameter instId error');
        else ok(res, [fundingToOkx(m, t)]);
      } else if (route.endsWith('/trades')) {
        const limit = Math.min(500, Math.max(1, Number(q.get('limit') ?? '100') || 100));
        ok(
          res,
          m.trades
            .slice(-limit)
            .reverse()
            .map((tr) => tradeToOkx(tr, m.def.tickSz.decimalPlaces())),
        );
      } else {
        const sz = Math.min(400, Math.max(1, Number(q.get('sz') ?? '1') || 1));
        const dp = m.def.tickSz.decimalPlaces();
        const level = ([p, s, n]: [{ toFixed(dp?: number): string }, { toFixed(): string }, number]) => [
          p.toFixed(dp),
          s.toFixed(),
          '0',
          String(n),
        ];
        ok(res, [
          {
            asks: m.book.depth('sell', sz).map(level),
            bids: m.book.depth('buy', sz).map(level),
            ts: String(t),
          },
        ]);
      }
      return true;
    }
    case 'GET /api/v5/market/tickers':
    case 'GET /api/v5/public/mark-price': {
      const instType = q.get('instType');
      const instId = q.get('instId');
      if (!instType) {
        fail(res, '50014', 'Parameter instType can not be empty.', 400);
        return true;
      }
      const t = now();
      const markets = [...exchange.markets.values()].filter(
        (m) => m.def.instType === instType && (!instId || m.def.instId === instId),
      );
      ok(
        res,
        markets.map((m) => (route.endsWith('tickers') ? tickerToOkx(m, t) : markToOkx(m, t))),
      );
      return true;
    }
    default:
      break;
  }

  // ---------------------------------------------------------------- private
  if (!path.startsWith('/api/v5/account/') && !path.startsWith('/api/v5/trade/')) {
    fail(res, '50000', 'Request path not found', 404);
    return true;
  }
  const rawPath = req.url ?? path;
  const auth = verifyRestAuth(exchange.keys, req.headers, method, rawPath, rawBody, now());
  if (!auth.ok) {
    fail(res, auth.code, auth.msg, 401);
    return true;
  }
  const account = exchange.accounts.get(auth.apiKey);
  if (!account) {
    fail(res, '50111', 'Invalid OK-ACCESS-KEY.', 401);
    return true;
  }
  const body = method === 'POST' ? parseJson(rawBody) : undefined;
  if (method === 'POST' && body === undefined) {
    fail(res, '50000', 'Body cannot be empty.', 400);
    return true;
  }
  await handlePrivate(deps, account, route, q, body, res, inTime);
  return true;
}

async function handlePrivate(
  deps: OkxRestDeps,
  account: OkxAccount,
  route: string,
  q: URLSearchParams,
  body: unknown,
  res: ServerResponse,
  inTime: number,
): Promise<void> {
  const { exchange, faults, now } = deps;
  const record = isRecord(body) ? body : {};
  const list = Array.isArray(body) ? body.filter(isRecord) : [];
  switch (route) {
    case 'GET /api/v5/account/balance': {
      const ccy = q.get('ccy');
      ok(res, [balanceToOkx(exchange, account, now(), ccy ? ccy.split(',') : undefined)]);
      return;
    }
    case 'GET /api/v5/account/positions': {
      const instType = q.get('instType');
      const instId = q.get('instId');
      const rows = [...account.positions.values()]
        .filter(
          (p) =>
            !p.pos.isZero() &&
            (!instType || p.def.instType === instType) &&
            (!instId || instId.split(',').includes(p.def.instId)),
        )
        .map((p) => positionToOkx(exchange, p));
      ok(res, rows);
      return;
    }
    case 'GET /api/v5/account/bills': {
      // Only funding bills (type 8) are kept: a query for any other type gets an empty page. Newest first, at most
      // `limit` (≤ 100); `after`/`before` page by billId, `begin`/`end` by time (ms), as OKX does.
      const type = q.get('type');
      const instType = q.get('instType');
      const ccy = q.get('ccy');
      const instId = q.get('instId');
      const { after, before, begin, end, limit } = pageQuery(q);
      const rows: Record<string, string>[] = [];
      const wanted = (type === null || type === '' || type === '8') && (instType === null || instType === '' || instType === 'SWAP');
      for (let i = account.fundingBills.length - 1; wanted && i >= 0 && rows.length < limit; i--) {
        const bill = account.fundingBills[i];
        if (bill === undefined) continue;
        const billId = Number(bill.billId);
        if (after !== null && billId >= after) continue;
        if (before !== null && billId <= before) break;
        if (begin !== null && bill.ts < begin) break;
        if (end !== null && bill.ts > end) continue;
        if (ccy && bill.ccy !== ccy) continue;
        if (instId && bill.instId !== instId) continue;
        rows.push(fundingBillToOkx(bill));
      }
      ok(res, rows);
      return;
    }
    case 'GET /api/v5/account/config':
      ok(res, [
        {
          uid: account.key.apiKey.slice(0, 16),
          mainUid: account.key.apiKey.slice(0, 16),
          acctLv: '2',
          posMode: 'net_mode',
          autoLoan: false,
          greeksType: 'PA',
          level: 'Lv1',
          levelTmp: '',
          ctIsoMode: 'automatic',
          mgnIsoMode: 'automatic',
          label: 'sim',
          roleType: '0',
          perm: 'read_only,trade',
          ip: '',
          kycLv: '2',
        },
      ]);
      return;
    case 'GET /api/v5/account/leverage-info': {
      const instId = q.get('instId') ?? '';
      const mgnMode = q.get('mgnMode') ?? '';
      if (!exchange.market(instId)) {
        fail(res, '51001', "Instrument ID doesn't exist.");
        return;
      }
      if (mgnMode !== 'cross' && mgnMode !== 'isolated') {
        fail(res, '51000', 'Parameter mgnMode error');
        return;
      }
      ok(res, [
        { instId, mgnMode, posSide: 'net', lever: String(exchange.leverageOf(account, instId, mgnMode)) },
      ]);
      return;
    }
    case 'POST /api/v5/account/set-leverage': {
      const instId = typeof record.instId === 'string' ? record.instId : '';
      const mgnMode = record.mgnMode;
      const lever = Number(record.lever);
      if (mgnMode !== 'cross' && mgnMode !== 'isolated') {
        fail(res, '51000', 'Parameter mgnMode error');
        return;
      }
      const error = exchange.setLeverage(account, instId, mgnMode, lever);
      if (error) {
        fail(res, error, error === '51001' ? "Instrument ID doesn't exist." : 'Parameter lever error');
        return;
      }
      ok(res, [{ lever: String(lever), mgnMode, instId, posSide: 'net' }]);
      return;
    }
    case 'POST /api/v5/trade/order': {
      const item = exchange.placeOrder(account, record);
      const fault = faults.timeoutNextOrder;
      if (fault && item.sCode === '0') {
        faults.timeoutNextOrder = null;
        deps.held.add(res);
        res.on('close', () => deps.held.delete(res));
        if (fault.delayMs !== null) {
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));
          deps.held.delete(res);
          tradeReply(res, [item], inTime, now());
        }
        return;
      }
      tradeReply(res, [item], inTime, now());
      return;
    }
    case 'POST /api/v5/trade/batch-orders':
      if (list.length === 0 || list.length > 20) {
        fail(res, '51000', 'Parameter error: 1 to 20 orders');
        return;
      }
      tradeReply(
        res,
        list.map((o) => exchange.placeOrder(account, o)),
        inTime,
        now(),
      );
      return;
    case 'POST /api/v5/trade/cancel-order':
      tradeReply(res, [exchange.cancelOrder(account, record)], inTime, now());
      return;
    case 'POST /api/v5/trade/cancel-batch-orders':
      if (list.length === 0 || list.length > 20) {
        fail(res, '51000', 'Parameter error: 1 to 20 orders');
        return;
      }
      tradeReply(
        res,
        list.map((o) => exchange.cancelOrder(account, o)),
        inTime,
        now(),
      );
      return;
    case 'POST /api/v5/trade/amend-order':
      tradeReply(res, [exchange.amendOrder(account, record)], inTime, now());
      return;
    case 'POST /api/v5/trade/close-position': {
      const instId = typeof record.instId === 'string' ? record.instId : '';
      const mgnMode = typeof record.mgnMode === 'string' ? record.mgnMode : '';
      if (record.autoCxl === true || record.autoCxl === 'true') exchange.cancelAll(account, instId);
      const item = exchange.closePosition(account, instId, mgnMode);
      if (item.sCode !== '0') {
        fail(res, item.sCode, item.sMsg);
        return;
      }
      ok(res, [
        {
          instId,
          posSide: 'net',
          clOrdId: typeof record.clOrdId === 'string' ? record.clOrdId : '',
          tag: '',
        },
      ]);
      return;
    }
    case 'GET /api/v5/trade/fills':
    case 'GET /api/v5/trade/fills-history': {
      // OKX: newest first, at most `limit` (≤ 100); `after`/`before` page by billId, `begin`/`end` by time (ms).
      const instType = q.get('instType');
      if (route.endsWith('fills-history') && !instType) {
        fail(res, '50014', 'Parameter instType can not be empty.', 400);
        return;
      }
      const instId = q.get('instId');
      const ordId = q.get('ordId');
      const { after, before, begin, end, limit } = pageQuery(q);
      const rows: Record<string, string>[] = [];
      for (let i = account.fills.length - 1; i >= 0 && rows.length < limit; i--) {
        const record = account.fills[i];
        if (record === undefined) continue;
        const billId = Number(record.billId);
        if (after !== null && billId >= after) continue;
        if (before !== null && billId <= before) break;
        if (begin !== null && record.fill.ts < begin) break;
        if (end !== null && record.fill.ts > end) continue;
        if (instType && record.order.def.instType !== instType) continue;
        if (instId && record.order.def.instId !== instId) continue;
        if (ordId && record.order.ordId !== ordId) continue;
        rows.push(fillToOkx(record));
      }
      ok(res, rows);
      return;
    }
    case 'GET /api/v5/trade/order': {
      const instId = q.get('instId') ?? '';
      if (!exchange.market(instId)) {
        fail(res, '51001', "Instrument ID doesn't exist.");
        return;
      }
      const order = exchange.findOrder(account, q.get('ordId') ?? undefined, q.get('clOrdId') ?? undefined);
      if (order?.def.instId !== instId) {
        fail(res, '51603', 'Order does not exist');
        return;
      }
      ok(res, [orderToOkx(order)]);
      return;
    }
    case 'GET /api/v5/trade/orders-pending': {
      const instType = q.get('instType');
      const instId = q.get('instId');
      const rows = [...account.orders.values()]
        .filter(
          (o) =>
            (o.state === 'live' || o.state === 'partially_filled') &&
            (!instType || o.def.instType === instType) &&
            (!instId || o.def.instId === instId),
        )
        .reverse()
        .map(orderToOkx);
      ok(res, rows);
      return;
    }
    default:
      fail(res, '50000', 'Request path not found', 404);
  }
}
