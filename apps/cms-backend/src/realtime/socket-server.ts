/**
 * Socket.IO on the API's port: JWT checked at the handshake (and the socket is dropped when the token expires),
 * rooms per exchange (joined from the user's scope) and per bot (joined on request after a scope check), the
 * Redis adapter so several CMS instances share rooms, and the relay that psubscribes te:* and forwards every
 * valid EngineEvent to its rooms under its type as event name, each instance to its own sockets. Malformed messages
 * are dropped with a log line.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import { REDIS_CHANNELS, validate } from '@trading/shared-types';
import type { AppContext } from '../context.js';
import { TOKEN_REVOKED_CHANNEL, verifyAccessToken } from '../plugins/auth.js';
import { createRedis } from '../redis.js';
import { relayMessages } from '../plugins/metrics.js';
import { canSeeExchange, visibleExchanges, type Principal } from '../services/auth/principal.js';
import { ADMIN_ROOM, backtestRoom, botRoom, exchangeRoom, roomsFor } from './rooms.js';

const tokenRoom = (jti: string) => `token:${jti}`;

export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

interface SocketData {
  principal: Principal;
}

/** The backtest worker's progress (BacktestProgress JSON) → `backtest-progress` to the run's room. */
function relayBacktestProgress(io: Server, ctx: AppContext, message: string): void {
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    data = null;
  }
  const result = validate('BacktestProgress', data);
  if (!result.ok) {
    ctx.log.warn({ issues: result.issues.slice(0, 3).map((i) => i.message) }, 'relay: dropped a backtest progress message that is not a BacktestProgress');
    return;
  }
  // Local only, as the engine events below: every instance relays this channel itself.
  io.local.to(backtestRoom(result.value.backtestId)).emit('backtest-progress' as never, result.value);
}

export async function startRealtime(app: FastifyInstance, ctx: AppContext): Promise<Realtime> {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(app.server, {
    path: '/socket.io',
    cors: { origin: ctx.config.corsOrigin, credentials: true },
  });
  const pub = createRedis(ctx.config);
  const sub = pub.duplicate();
  io.adapter(createAdapter(pub, sub, { key: ctx.key('socket.io') }));

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    if (token === undefined) {
      next(new Error('authentication required'));
      return;
    }
    verifyAccessToken(app, ctx, token).then(
      (principal) => {
        socket.data.principal = principal;
        next();
      },
      () => {
        next(new Error('invalid or expired token'));
      },
    );
  });

  io.on('connection', (socket: Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>) => {
    const principal = socket.data.principal;
    void socket.join([...visibleExchanges(principal).map(exchangeRoom), tokenRoom(principal.jti)]);
    if (principal.role === 'admin') void socket.join(ADMIN_ROOM);
    const expiresIn = principal.exp * 1000 - Date.now();
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, expiresIn));
    socket.on('disconnect', () => {
      clearTimeout(expiry);
    });
    socket.on('subscribe:bot', (botId: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      if (typeof botId !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(botId)) {
        reply({ ok: false, error: 'invalid botId' });
        return;
      }
      ctx.db.query<{ exchange: string }>('SELECT exchange FROM bots WHERE bot_id = $1 AND deleted_at IS NULL', [botId]).then(
        async ([bot]) => {
          if (!bot || !canSeeExchange(principal, bot.exchange)) {
            reply({ ok: false, error: 'not found' });
            return;
          }
          await socket.join(botRoom(botId));
          reply({ ok: true });
        },
        () => {
          reply({ ok: false, error: 'unavailable' });
        },
      );
    });
    socket.on('unsubscribe:bot', (botId: unknown) => {
      if (typeof botId === 'string') void socket.leave(botRoom(botId));
    });
    // Backtest progress: joined per run after the same check as GET /api/backtests/:id (every exchange in scope).
    socket.on('subscribe:backtest', (backtestId: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      if (typeof backtestId !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(backtestId)) {
        reply({ ok: false, error: 'invalid backtestId' });
        return;
      }
      ctx.db.query<{ exchanges: string[] }>('SELECT exchanges FROM backtests WHERE backtest_id = $1', [backtestId]).then(
        async ([run]) => {
          if (!run || !run.exchanges.every((exchange) => canSeeExchange(principal, exchange))) {
            reply({ ok: false, error: 'not found' });
            return;
          }
          await socket.join(backtestRoom(backtestId));
          reply({ ok: true });
        },
        () => {
          reply({ ok: false, error: 'unavailable' });
        },
      );
    });
    socket.on('unsubscribe:backtest', (backtestId: unknown) => {
      if (typeof backtestId === 'string') void socket.leave(backtestRoom(backtestId));
    });
  });

  // The relay: its own subscriber connection (a subscribed ioredis client can do nothing else).
  const relay = createRedis(ctx.config);
  const pattern = ctx.key(REDIS_CHANNELS.engineEventPattern);
  const prefixLength = ctx.key('').length;
  const revokedChannel = ctx.key(TOKEN_REVOKED_CHANNEL);
  const backtestChannel = ctx.key(REDIS_CHANNELS.backtestProgress);
  relay.on('message', (channel: string, message: string) => {
    if (channel === revokedChannel) io.in(tokenRoom(message)).disconnectSockets(true);
    if (channel === backtestChannel) relayBacktestProgress(io, ctx, message);
  });
  relay.on('pmessage', (_pattern: string, channel: string, message: string) => {
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      relayMessages.inc({ outcome: 'dropped' });
      ctx.log.warn({ channel: channel.slice(prefixLength) }, 'relay: dropped a message that is not JSON');
      return;
    }
    const result = validate('EngineEvent', data);
    if (!result.ok) {
      relayMessages.inc({ outcome: 'dropped' });
      ctx.log.warn({ channel: channel.slice(prefixLength), issues: result.issues.slice(0, 3).map((i) => i.message) }, 'relay: dropped a message that is not an EngineEvent');
      return;
    }
    relayMessages.inc({ outcome: 'relayed' });
    // Local only: every CMS instance runs this relay on the same channels, so a broadcast through the adapter would
    // give each client on another instance a second copy (and cost an encode and a Redis publish per event).
    io.local.to(roomsFor(result.value)).emit(result.value.type as never, result.value);
  });
  await relay.psubscribe(pattern);
  await relay.subscribe(revokedChannel);
  await relay.subscribe(backtestChannel);

  return {
    io,
    async close() {
      await relay.punsubscribe(pattern).catch(() => undefined);
      relay.disconnect();
      await new Promise<void>((resolve) => {
        void io.close(() => {
          resolve();
        });
      });
      pub.disconnect();
      sub.disconnect();
    },
  };
}
