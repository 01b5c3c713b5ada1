#!/bin/sh
# Registers every connector config in $CONNECTORS_DIR (docker/connect/*.json) with the Connect worker's REST API.
# docker/compose.yml runs it once, in the curl image, after the worker is healthy. Safe to run again.
#
# Two file shapes are accepted:
#   {"name": "...", "config": {...}}   the POST /connectors body: created once; an existing connector is left as it is
#   {"connector.class": ..., ...}      a bare config map: PUT /connectors/<file name without .json>/config, which
#                                      creates the connector or updates its config
set -eu

url=${CONNECT_URL:-http://connect:8083}
dir=${CONNECTORS_DIR:-/connectors}
attempts=${ATTEMPTS:-30}
response=$(mktemp)

# Connect answers 409 while its workers rebalance, and for POST also when the connector exists: retry the former.
send() {
  method=$1 path=$2 file=$3
  i=1
  while :; do
    code=$(curl -sS -o "$response" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
      --data-binary "@$file" "$url$path") || code=000
    case $code in
      200|201) echo "register-connectors: $file: $method $path -> $code"; return 0 ;;
      409)
        if grep -q 'already exists' "$response"; then
          echo "register-connectors: $file: connector exists, left unchanged (PUT /connectors/NAME/config changes it)"
          return 0
        fi ;;
      000|5??) ;;
      *) echo "register-connectors: $file: $method $path -> $code: $(cat "$response")" >&2; return 1 ;;
    esac
    if [ "$i" -ge "$attempts" ]; then
      echo "register-connectors: $file: giving up after $attempts attempts (last: $code $(cat "$response"))" >&2
      return 1
    fi
    i=$((i + 1))
    sleep 2
  done
}

count=0
for file in "$dir"/*.json; do
  [ -e "$file" ] || continue
  count=$((count + 1))
  if grep -q '"config"[[:space:]]*:' "$file"; then
    send POST /connectors "$file"
  else
    name=$(basename "$file" .json)
    send PUT "/connectors/$name/config" "$file"
  fi
done
if [ "$count" -eq 0 ]; then
  echo "register-connectors: no *.json in $dir: nothing registered" >&2
fi
curl -sS "$url/connectors?expand=status" && echo
