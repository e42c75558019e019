#!/bin/sh
# Starts one Redis data node (master or replica) with password auth. The role given by compose is only the
# first-boot default: the node first asks the Sentinels who the master is now, so after a failover a restarted
# old master rejoins as a replica instead of creating a second master (split brain).
# Ports and folders are variables only so that packages/deploy-checks can run this script on one test machine.
set -eu
role="${1:-master}"
: "${REDIS_PASSWORD:?REDIS_PASSWORD is required}"
master_name="${REDIS_SENTINEL_MASTER:-trading-master}"
sentinels="${SENTINEL_HOSTS:-redis-sentinel-1:26379 redis-sentinel-2:26379 redis-sentinel-3:26379}"
port="${REDIS_PORT:-6379}"
data="${REDIS_DATA_DIR:-/data}"
conf="$data/redis-runtime.conf"

current_master=""
for s in $sentinels; do
  answer=$(REDISCLI_AUTH="$REDIS_PASSWORD" timeout 2 redis-cli -h "${s%:*}" -p "${s#*:}" \
    sentinel get-master-addr-by-name "$master_name" 2>/dev/null | tr '\n' ' ' || true)
  case "$answer" in
    *ERR* | *NOAUTH* | *WRONGPASS* | "") ;;
    *) current_master="$answer"; break ;;
  esac
done

{
  echo "port $port"
  echo "dir $data"
  echo "appendonly yes"
  echo "appendfsync everysec"
  # BullMQ needs noeviction: an evicted job key is a lost order event.
  echo "maxmemory ${REDIS_MAXMEMORY:-512mb}"
  echo "maxmemory-policy noeviction"
  echo "requirepass \"$REDIS_PASSWORD\""
  echo "masterauth \"$REDIS_PASSWORD\""
  # One replica: start its full sync as soon as it asks instead of waiting repl-diskless-sync-delay (5 s)
  # for more replicas, which shortens the time without a second copy after a failover.
  echo "repl-diskless-sync-max-replicas 1"
  if [ -n "${REDIS_ANNOUNCE_HOST:-}" ]; then
    echo "replica-announce-ip ${REDIS_ANNOUNCE_HOST}"
    echo "replica-announce-port ${REDIS_ANNOUNCE_PORT:-$port}"
  fi
} > "$conf"
chmod 600 "$conf"

if [ -n "$current_master" ]; then
  set -- $current_master
  # The Sentinels name this node by its service name, its container address or its announced address.
  is_self=0
  if [ -n "${REDIS_ANNOUNCE_HOST:-}" ]; then
    if [ "$1" = "$REDIS_ANNOUNCE_HOST" ] && [ "$2" = "${REDIS_ANNOUNCE_PORT:-$port}" ]; then is_self=1; fi
  elif [ "$2" = "$port" ]; then
    for me in "${REDIS_SELF_HOST:-}" $(hostname -i 2>/dev/null || true); do
      if [ -n "$me" ] && [ "$1" = "$me" ]; then is_self=1; fi
    done
  fi
  if [ "$is_self" = 0 ]; then echo "replicaof $1 $2" >> "$conf"; fi
elif [ "$role" = "replica" ]; then
  echo "replicaof ${REDIS_MASTER_HOST:-redis-master} ${REDIS_MASTER_PORT:-6379}" >> "$conf"
fi

# The image's own entrypoint chowns /data and drops root before starting redis-server.
if command -v docker-entrypoint.sh > /dev/null 2>&1; then exec docker-entrypoint.sh redis-server "$conf"; fi
exec redis-server "$conf"
