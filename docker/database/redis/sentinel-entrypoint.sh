#!/bin/sh
# Starts one Redis Sentinel. The config is written once into the sentinel's own volume: Sentinel rewrites it
# with the current master and epoch, and a restart must keep that state rather than go back to the first master.
# Ports and folders are variables only so that packages/deploy-checks can run this script on one test machine.
set -eu
: "${REDIS_PASSWORD:?REDIS_PASSWORD is required}"
master_name="${REDIS_SENTINEL_MASTER:-trading-master}"
port="${SENTINEL_PORT:-26379}"
data="${SENTINEL_DATA_DIR:-/data}"
conf="$data/sentinel.conf"

if [ ! -s "$conf" ]; then
  {
    echo "port $port"
    echo "dir $data"
    echo "sentinel resolve-hostnames yes"
    echo "sentinel announce-hostnames yes"
    if [ -n "${REDIS_ANNOUNCE_HOST:-}" ]; then
      echo "sentinel announce-ip ${REDIS_ANNOUNCE_HOST}"
      echo "sentinel announce-port ${SENTINEL_ANNOUNCE_PORT:-$port}"
      echo "sentinel monitor $master_name ${REDIS_ANNOUNCE_HOST} ${REDIS_MASTER_PORT:-6379} ${SENTINEL_QUORUM:-2}"
    else
      echo "sentinel monitor $master_name ${REDIS_MASTER_HOST:-redis-master} ${REDIS_MASTER_PORT:-6379} ${SENTINEL_QUORUM:-2}"
    fi
    echo "sentinel auth-pass $master_name \"$REDIS_PASSWORD\""
    echo "sentinel down-after-milliseconds $master_name ${SENTINEL_DOWN_AFTER_MS:-5000}"
    echo "sentinel failover-timeout $master_name ${SENTINEL_FAILOVER_TIMEOUT_MS:-60000}"
    echo "sentinel parallel-syncs $master_name 1"
    # Clients (engines, backend) authenticate to the Sentinels with the same password.
    echo "requirepass \"$REDIS_PASSWORD\""
  } > "$conf"
  chmod 600 "$conf"
fi

# The image's own entrypoint chowns /data and drops root before starting redis-server.
if command -v docker-entrypoint.sh > /dev/null 2>&1; then exec docker-entrypoint.sh redis-server "$conf" --sentinel; fi
exec redis-server "$conf" --sentinel
