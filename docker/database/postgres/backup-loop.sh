#!/bin/bash
# The pg-backup service: one dump at start, then one every BACKUP_INTERVAL_SECONDS. A failed dump is logged
# and retried at the next interval; the healthcheck turns unhealthy when no dump succeeded for two intervals.
set -uo pipefail
interval="${BACKUP_INTERVAL_SECONDS:-86400}"
while true; do
  if out=$(/bin/bash /usr/local/bin/backup.sh 2>&1); then
    echo "backup ok: $out"
  else
    echo "backup FAILED: $out" >&2
  fi
  sleep "$interval" &
  wait $!
done
