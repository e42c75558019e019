/** OKX V5 constants: production URLs, channel names, error codes the adapter acts on, published rate limits. */

export const OKX_PRODUCTION = {
  restUrl: 'https://www.okx.com',
  wsPublicUrl: 'wss://ws.okx.com:8443/ws/v5/public',
  wsPrivateUrl: 'wss://ws.okx.com:8443/ws/v5/private',
  wsBusinessUrl: 'wss://ws.okx.com:8443/ws/v5/business',
} as const;

export const OKX_CODES = {
  ok: '0',
  rateLimited: '50011',
  duplicateClOrdId: '51016',
  orderNotFound: '51603',
  cancelFailedGone: '51400',
  cancelFailedCanceled: '51401',
  cancelFailedFilled: '51402',
  amendFailed: '51503',
} as const;

/**
 * Requests per window per endpoint, from OKX's published limits (most trade endpoints: 60 per 2 s per instrument
 * family; account reads 10 per 2 s; instruments 20 per 2 s). Keyed by our endpoint names; applied per key.
 */
export const OKX_RATE_LIMITS: Readonly<Record<string, { limit: number; windowMs: number }>> = {
  'trade/order': { limit: 60, windowMs: 2000 },
  'trade/batch-orders': { limit: 300, windowMs: 2000 },
  'trade/cancel-order': { limit: 60, windowMs: 2000 },
  'trade/cancel-batch-orders': { limit: 300, windowMs: 2000 },
  'trade/amend-order': { limit: 60, windowMs: 2000 },
  'trade/order:get': { limit: 60, windowMs: 2000 },
  'trade/orders-pending': { limit: 60, windowMs: 2000 },
  'trade/fills': { limit: 60, windowMs: 2000 },
  'account/balance': { limit: 10, windowMs: 2000 },
  'account/positions': { limit: 10, windowMs: 2000 },
  'account/bills': { limit: 5, windowMs: 1000 },
  'account/set-leverage': { limit: 20, windowMs: 2000 },
  'public/instruments': { limit: 20, windowMs: 2000 },
  'market/books': { limit: 40, windowMs: 2000 },
  'market/ticker': { limit: 20, windowMs: 2000 },
};

export const BOOK_CHECKSUM_DEPTH = 25;
