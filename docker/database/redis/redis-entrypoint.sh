#!/bin/sh
# Starts one Redis data node (master or replica) with password auth. The role given by compose is only the
# first-boot default: after a Sentinel failover the node asks the Sentinels who the master is now, so a
# restarted old master rejoins as a replica instead of creating a second master (split brain).
set -eu
role="${1:-master}"
: "${REDIS_PASSWORD:?REDIS_PASSWORD is required}"
master_name="${REDIS_SENTINEL_MASTER:-trading-master}"
sentinels="${SENTINEL_HOSTS:-redis-sentinel-1:26379 redis-sentinel-2:26379 redis-sentinel-3:26379}"
conf=/data/redis-runtime.conf

current_master=""
for s in $sentinels; do
  answer=$(REDISCLI_AUTH="$REDIS_PASSWORD" timeout 2 redis-cli -h "${s%:*}" -p "${s#*:}" \
    sentinel get-master-addr-by-name "$master_name" 2>/dev/null | tr '\n' ' ' || true)
  if [ -n "$answer" ]; then current_master="$answer"; break; fi
done

{
  echo "port 6379"
  echo "dir /data"
  echo "appendonly yes"
  echo "appendfsync everysec"
  # BullMQ needs noeviction: an evicted job key is a lost order event.
  echo "maxmemory ${REDIS_MAXMEMORY:-512mb}"
  echo "maxmemory-policy noeviction"
  echo "requirepass \"$REDIS_PASSWORD\""
  echo "masterauth \"$REDIS_PASSWORD\""
  if [ -n "${REDIS_ANNOUNCE_HOST:-}" ]; then
    echo "replica-announce-ip ${REDIS_ANNOUNCE_HOST}"
    echo "replica-announce-port ${REDIS_ANNOUNCE_PORT:-6379}"
  fi
} > "$conf"
chmod 600 "$conf"

if [ -n "$current_master" ]; then
  set -- $current_master
  is_self=0
  # The Sentinels name this node by its service name, its container address or its announced address.
  for me in "${REDIS_SELF_HOST:-}" $(hostname -i 2>/dev/null || true); do
    if [ -n "$me" ] && [ "$1" = "$me" ]; then is_self=1; fi
  done
  if [ -n "${REDIS_ANNOUNCE_HOST:-}" ] && [ "$1" = "$REDIS_ANNOUNCE_HOST" ] && [ "$2" = "${REDIS_ANNOUNCE_PORT:-6379}" ]; then
    is_self=1
  fi
  if [ "$is_self" = 0 ]; then echo "replicaof $1 $2" >> "$conf"; fi
elif [ "$role" = "replica" ]; then
  echo "replicaof ${REDIS_MASTER_HOST:-redis-master} 6379" >> "$conf"
fi

exec redis-server "$conf"
