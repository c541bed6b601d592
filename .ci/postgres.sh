#!/usr/bin/env bash
# Installs (when missing) and starts a local PostgreSQL, then makes sure the test role and database exist.
# Safe to run again: every step checks before it acts.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v psql >/dev/null; then
    as_root apt-get update
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online" { found = 1 } END { exit !found }'; then
    as_root pg_ctlcluster "$version" main start || as_root service postgresql start
fi

for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
done

# CREATEDB: the membership tests create and drop one database per run.
as_postgres psql -v ON_ERROR_STOP=1 -q <<'SQL'
SELECT 'CREATE ROLE qwen3tts LOGIN CREATEDB PASSWORD ''qwen3tts'''
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'qwen3tts') \gexec
SELECT 'CREATE DATABASE qwen3tts OWNER qwen3tts'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'qwen3tts') \gexec
SQL
echo "== postgresql $version ready on 127.0.0.1:5432 (role/database qwen3tts)"
