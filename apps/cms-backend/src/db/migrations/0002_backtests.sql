-- 0002: backtest runs (POST /api/backtests), executed by the backtest worker on a committed recorded data set.
-- progress is 0..1; stats and equity are the engine report's summary and equity curve, set when status is done.
CREATE TABLE backtests (
  backtest_id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  strategy text NOT NULL,
  dataset_id text NOT NULL,
  exchanges text[] NOT NULL,
  request jsonb NOT NULL,
  stats jsonb,
  equity jsonb NOT NULL DEFAULT '[]',
  error text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX backtests_created_idx ON backtests (created_at);
