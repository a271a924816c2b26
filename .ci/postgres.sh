#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tests and prints the URL to use
# as UGLYMUGS_TEST_POSTGRES. Usage: eval "$(.ci/postgres.sh start)"; .ci/postgres.sh stop DIR
set -euo pipefail
case "${1:-}" in
start)
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    apt-get install -y -qq postgresql >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGDATA=$(mktemp -d /tmp/uglymugs-pg.XXXXXX)
  PGPORT=${PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 60 -l "$PGDATA/server.log" \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres uglymugs_test
  echo "export UGLYMUGS_TEST_POSTGRES='postgres://postgres@127.0.0.1:$PGPORT/uglymugs_test?sslmode=disable'"
  echo "export UGLYMUGS_TEST_PGDATA='$PGDATA'"
  ;;
stop)
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$2" -m fast -w stop >/dev/null || true
  rm -rf "$2"
  ;;
*) echo "usage: $0 start | stop PGDATA" >&2; exit 2 ;;
esac
