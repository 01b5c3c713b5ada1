#!/usr/bin/env bash
# Static checks of docker/ (no Docker engine needed; none runs in CI, so images are neither built nor started):
# the compose file, the Prometheus config, the alert rules and their unit tests, the Grafana provisioning and
# dashboard, and that every metric they use is documented in docs/operations.md.
# Installs docker-compose, promtool, nodejs and npm from Debian's packages when missing (CI runs as root).
# Prints one line per check and exits non-zero if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
say() { printf 'check-docker: %s\n' "$*"; }

# Debian bookworm: docker-compose 1.29.2 (validates against the Compose Specification schema) and prometheus 2.42
# (for promtool). --no-install-recommends: docker-compose recommends docker.io (an engine) and prometheus the node
# exporter; neither is needed to validate files. policy-rc.d, where present, keeps the prometheus service from starting.
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# The Dockerfile and Kubernetes checks below run npm packages: Debian's nodejs and npm when Node is not there.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed in $((SECONDS - t0))s"
fi
say "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), $(promtool --version 2>&1 | head -n 1)"

# The helper scripts need PyYAML: Debian's python3 has it (python3-yaml comes with docker-compose); a python3 earlier
# on PATH (pyenv, a venv) may not.
python=python3
if ! "$python" -c 'import yaml' 2>/dev/null; then
  python=/usr/bin/python3
fi

passed=0
failed=0
check() {
  local what=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
    say "ok    $what"
  else
    failed=$((failed + 1))
    say "FAIL  $what"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

shopt -s nullglob
rules=(docker/prometheus/rules/*.yml)
tests=(docker/prometheus/tests/*.yml)
dashboards=(docker/grafana/dashboards/*.json)
provisioning=(docker/grafana/provisioning/*/*.yml)
# A glob that matches nothing is a failure, not a check that silently ran on nothing.
for found in "rules:${#rules[@]}" "tests:${#tests[@]}" "dashboards:${#dashboards[@]}" "provisioning:${#provisioning[@]}"; do
  if [ "${found#*:}" -eq 0 ]; then
    failed=$((failed + 1))
    say "FAIL  no ${found%%:*} files found"
  fi
done

check "docker-compose config: docker/compose.yml" docker-compose -f docker/compose.yml config -q
check "promtool check config: docker/prometheus/prometheus.yml" \
  promtool check config docker/prometheus/prometheus.yml
for file in "${rules[@]}"; do
  check "promtool check rules: $file" promtool check rules "$file"
done
for file in "${tests[@]}"; do
  check "promtool test rules: $file" promtool test rules "$file"
done
check "every alert has a firing and a quiet test" \
  "$python" docker/prometheus/tests/check_coverage.py docker/prometheus/rules docker/prometheus/tests
for file in "${dashboards[@]}"; do
  check "JSON: $file" python3 -m json.tool "$file"
  check "dashboard uid, panels, datasource uid, PromQL: $file" \
    "$python" docker/grafana/check-dashboard.py "$file" docker/grafana/provisioning/datasources/prometheus.yml
done
check "metrics used by rules and dashboards are documented in docs/operations.md" \
  "$python" docker/check-metric-names.py docs/operations.md "${rules[@]}" "${dashboards[@]}"
for file in "${provisioning[@]}"; do
  check "YAML: $file" "$python" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$file"
done
# Dockerfile syntax and instruction arguments, with the parser behind VS Code's Docker support (pinned, from npm).
lint_dockerfiles() {
  local dir
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  npm install --silent --no-audit --no-fund --no-save --prefix "$dir" dockerfile-utils@0.16.3 >/dev/null
  local status=0 file
  for file in docker/*/Dockerfile; do
    "$dir/node_modules/.bin/dockerfile-utils" lint "$file" || status=1
  done
  return $status
}
check "dockerfile-utils lint: docker/*/Dockerfile" lint_dockerfiles
check "bash -n docker/topics/create-topics.sh" bash -n docker/topics/create-topics.sh
check "sh -n docker/connect-worker/register-connectors.sh" sh -n docker/connect-worker/register-connectors.sh

say "finished in $((SECONDS - started))s"
echo "check-docker: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
