-- 0001: initial schema. Money is NUMERIC (exact); timestamps are timestamptz.
CREATE TABLE users (
  user_id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  allowed_exchanges text[] NOT NULL DEFAULT '{}',
  is_active boolean NOT NULL DEFAULT true,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
  jti text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  replaced_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE wallets (
  wallet_id text PRIMARY KEY,
  name text NOT NULL,
  exchange text NOT NULL,
  encrypted_credentials text NOT NULL,
  credential_keys text[] NOT NULL,
  public_address text,
  is_active boolean NOT NULL DEFAULT true,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX wallets_exchange_idx ON wallets (exchange, created_at);

CREATE TABLE bots (
  bot_id text PRIMARY KEY,
  name text NOT NULL,
  description text,
  exchange text NOT NULL,
  strategy text NOT NULL,
  mode text NOT NULL,
  status text NOT NULL,
  status_reason text,
  wallet_id text,
  config jsonb NOT NULL,
  exchange_config jsonb NOT NULL,
  risk_limits jsonb NOT NULL,
  assigned_engine_id text,
  tags text[] NOT NULL DEFAULT '{}',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX bots_exchange_status_idx ON bots (exchange, status);
CREATE INDEX bots_created_idx ON bots (created_at);

CREATE TABLE bot_state_history (
  id bigserial PRIMARY KEY,
  bot_id text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  reason text,
  source text NOT NULL,
  event_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bot_state_history_bot_idx ON bot_state_history (bot_id, at);

CREATE TABLE orders (
  order_id text PRIMARY KEY,
  client_order_id text NOT NULL,
  exchange_order_id text,
  exchange text NOT NULL,
  bot_id text NOT NULL,
  instrument_id text NOT NULL,
  symbol text,
  outcome text,
  side text NOT NULL,
  type text NOT NULL,
  price numeric,
  quantity numeric NOT NULL,
  filled_quantity numeric NOT NULL,
  average_fill_price numeric,
  status text NOT NULL,
  status_reason text,
  source text NOT NULL,
  mode text NOT NULL,
  fee numeric,
  fee_currency text,
  reduce_only boolean,
  leverage integer,
  margin_mode text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX orders_bot_created_idx ON orders (bot_id, created_at);
CREATE INDEX orders_exchange_created_idx ON orders (exchange, created_at);
CREATE INDEX orders_exchange_status_idx ON orders (exchange, status, created_at);

CREATE TABLE fills (
  fill_id text PRIMARY KEY,
  order_id text NOT NULL,
  exchange_trade_id text,
  exchange text NOT NULL,
  bot_id text NOT NULL,
  instrument_id text NOT NULL,
  outcome text,
  side text NOT NULL,
  price numeric NOT NULL,
  quantity numeric NOT NULL,
  fee numeric NOT NULL,
  fee_currency text NOT NULL,
  role text NOT NULL,
  mode text NOT NULL,
  realized_pnl numeric,
  ts timestamptz NOT NULL
);
CREATE INDEX fills_bot_ts_idx ON fills (bot_id, ts);
CREATE INDEX fills_exchange_ts_idx ON fills (exchange, ts);
CREATE INDEX fills_order_idx ON fills (order_id);

CREATE TABLE positions (
  bot_id text NOT NULL,
  instrument_id text NOT NULL,
  outcome text NOT NULL DEFAULT '',
  exchange text NOT NULL,
  side text NOT NULL,
  quantity numeric NOT NULL,
  average_entry_price numeric NOT NULL,
  mark_price numeric,
  realized_pnl numeric NOT NULL,
  unrealized_pnl numeric NOT NULL,
  fees numeric NOT NULL,
  funding numeric,
  leverage integer,
  margin_mode text,
  liquidation_price numeric,
  margin numeric,
  mode text NOT NULL,
  mark_at bigint,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (bot_id, instrument_id, outcome)
);
CREATE INDEX positions_exchange_idx ON positions (exchange);

CREATE TABLE pnl_snapshots (
  id bigserial PRIMARY KEY,
  bot_id text NOT NULL,
  exchange text NOT NULL,
  mode text NOT NULL,
  currency text NOT NULL,
  realized_pnl numeric NOT NULL,
  unrealized_pnl numeric NOT NULL,
  total_pnl numeric NOT NULL,
  fees numeric NOT NULL,
  funding numeric,
  equity numeric NOT NULL,
  volume numeric,
  trade_count integer,
  drawdown_pct numeric,
  ts timestamptz NOT NULL
);
CREATE INDEX pnl_bot_ts_idx ON pnl_snapshots (bot_id, ts);
CREATE INDEX pnl_exchange_ts_idx ON pnl_snapshots (exchange, ts);

CREATE TABLE engines_seen (
  engine_id text PRIMARY KEY,
  info jsonb NOT NULL,
  status text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  user_id text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  exchange text,
  before jsonb,
  after jsonb,
  ip text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_at_idx ON audit_log (at);
CREATE INDEX audit_user_idx ON audit_log (user_id, at);

CREATE TABLE notifications (
  notification_id text PRIMARY KEY,
  type text NOT NULL,
  severity text NOT NULL,
  exchange text,
  bot_id text,
  title text NOT NULL,
  message text NOT NULL,
  is_read boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_exchange_idx ON notifications (exchange, created_at);

CREATE TABLE bot_logs (
  id bigserial PRIMARY KEY,
  bot_id text NOT NULL,
  exchange text,
  level text NOT NULL,
  message text NOT NULL,
  ts timestamptz NOT NULL
);
CREATE INDEX bot_logs_bot_ts_idx ON bot_logs (bot_id, ts);

CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);
