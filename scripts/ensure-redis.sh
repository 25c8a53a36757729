#!/usr/bin/env bash
# Makes sure a Redis answers at 127.0.0.1:${REDIS_PORT:-6379}: installs Debian's redis-server when
# missing (root only) and starts it without persistence. Tests that need persistence or restarts
# start their own redis-server on a free port.
set -euo pipefail
port=${REDIS_PORT:-6379}
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'PING\r\n' >&3 && read -r -t 2 line <&3 && [[ $line == +PONG* ]]) 2>/dev/null; }
answers && exit 0
if ! command -v redis-server >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then echo "redis-server is missing: sudo apt-get install -y redis-server" >&2; exit 1; fi
  echo "installing redis-server (Debian)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends redis-server >/dev/null
fi
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no --logfile /tmp/assay-redis-$port.log
for _ in $(seq 1 50); do answers && { echo "started redis-server on 127.0.0.1:$port"; exit 0; }; sleep 0.1; done
echo "redis-server did not answer on port $port" >&2
exit 1
