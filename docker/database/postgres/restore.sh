#!/bin/bash
# Restores a pg_dump custom-format archive into a database that must not exist yet (never over a live
# database by accident), then prints the row count of every table so the operator can compare with the
# source. Usage: restore.sh <dump-file> <new-database-name>
# Connection comes from PGHOST, PGPORT, PGUSER, PGPASSWORD; the user needs CREATEDB.
set -euo pipefail
dump="${1:?usage: restore.sh <dump-file> <new-database-name>}"
target="${2:?usage: restore.sh <dump-file> <new-database-name>}"
[ -s "$dump" ] || { echo "restore: $dump is missing or empty" >&2; exit 2; }
if [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$target'")" = "1" ]; then
  echo "restore: database $target already exists; pick a new name (then rename or point DATABASE_URL at it)" >&2
  exit 3
fi
createdb "$target"
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$dump"
psql -d "$target" -v ON_ERROR_STOP=1 -tA -F ' ' -c "
  select n.nspname || '.' || c.relname, (xpath('/row/c/text()', query_to_xml(
    format('select count(*) as c from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
  order by 1"
