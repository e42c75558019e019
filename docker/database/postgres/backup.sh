#!/bin/bash
# One logical backup of the platform database: pg_dump custom format (-Fc, compressed, restorable table by
# table), written to a temporary name and renamed only when complete, so a crash never leaves a truncated
# "latest" dump. Connection comes from the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE). Prints the path of the dump.
set -euo pipefail
dir="${BACKUP_DIR:-/backups}"
db="${PGDATABASE:?PGDATABASE is required}"
mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$dir/${db}-${stamp}.dump"
trap 'rm -f "$target.partial"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$target.partial" "$db"
pg_restore --list "$target.partial" > /dev/null   # the archive must at least be readable
mv "$target.partial" "$target"
if [ -n "${BACKUP_RETENTION_DAYS:-}" ]; then
  find "$dir" -maxdepth 1 -name "${db}-*.dump" -mtime "+${BACKUP_RETENTION_DAYS}" -delete
fi
touch "$dir/last-success"
echo "$target"
