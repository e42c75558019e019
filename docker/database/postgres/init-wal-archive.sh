#!/bin/bash
# Runs once, on the first start of an empty data directory: the WAL archive volume must be writable by postgres.
set -euo pipefail
mkdir -p /var/lib/postgresql/wal-archive
chown postgres:postgres /var/lib/postgresql/wal-archive || true
