#!/usr/bin/env bash
# Static checks of deploy/kubernetes (no cluster runs in CI, so nothing is applied):
#  - prometheusrule.yaml is what deploy/kubernetes/generate-prometheusrule.py makes of docker/prometheus/rules (no drift);
#  - the kustomization lists every manifest in the folder, and the ServiceMonitor produces the job the rules select;
#  - every resource validates against its schema: Kubernetes kinds with kubernetes-models (generated from the
#    Kubernetes OpenAPI), Prometheus Operator kinds with @kubernetes-models/prometheus-operator, Strimzi kinds strictly
#    against the CRDs that Strimzi's own generator (io.strimzi:crd-generator, from Maven Central) writes;
#  - every file in deploy/kubernetes/validation/must-fail is rejected (the validator can fail).
# Installs what it needs: nodejs/npm from Debian when missing, the npm packages pinned in
# deploy/kubernetes/validation/package.json into a temp dir, the Strimzi generator through Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
say() { printf 'check-kubernetes: %s\n' "$*"; }
if ! command -v npm >/dev/null 2>&1; then
  say "installing nodejs npm with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install nodejs npm -y -qq --no-install-recommends >/dev/null
fi
python=python3
if ! "$python" -c 'import yaml' 2>/dev/null; then
  python=/usr/bin/python3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp deploy/kubernetes/validation/package.json deploy/kubernetes/validation/validate.mjs "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund >/dev/null)

mvn -B -q -f deploy/kubernetes/validation/pom.xml dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" \
  >/dev/null
mkdir -p "$work/crds"
java -cp "$(cat "$work/classpath.txt")" io.strimzi.crdgenerator.CrdGenerator --yaml \
  io.strimzi.api.kafka.model.topic.KafkaTopic="$work/crds/kafkatopic.yaml" \
  io.strimzi.api.kafka.model.user.KafkaUser="$work/crds/kafkauser.yaml" \
  io.strimzi.api.kafka.model.connect.KafkaConnect="$work/crds/kafkaconnect.yaml" \
  io.strimzi.api.kafka.model.connector.KafkaConnector="$work/crds/kafkaconnector.yaml" 2>/dev/null

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

check "prometheusrule.yaml generated from docker/prometheus/rules" \
  "$python" deploy/kubernetes/generate-prometheusrule.py --check
check "kustomization lists every manifest; ServiceMonitor job matches the rules" "$python" - <<'PY'
import glob, os, sys, yaml
base = "deploy/kubernetes"
listed = set(yaml.safe_load(open(f"{base}/kustomization.yaml"))["resources"])
present = {os.path.relpath(p, base) for p in glob.glob(f"{base}/**/*.yaml", recursive=True)
           if not p.startswith(f"{base}/validation/") and not p.endswith("kustomization.yaml")}
problems = [f"not in kustomization.yaml: {p}" for p in sorted(present - listed)]
problems += [f"listed but missing: {p}" for p in sorted(listed - present)]
monitor = yaml.safe_load(open(f"{base}/servicemonitor.yaml"))
service = yaml.safe_load(open(f"{base}/detector-service.yaml"))
job = service["metadata"]["labels"].get(monitor["spec"].get("jobLabel", ""), service["metadata"]["name"])
rules = open("docker/prometheus/rules/trailwatch.rules.yml").read()
if f'job="{job}"' not in rules:
    problems.append(f"the ServiceMonitor produces job={job!r}, which the rules never select")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
check "schemas: every resource in deploy/kubernetes/kustomization.yaml" \
  node "$work/validate.mjs" --crds "$work/crds" --kustomization deploy/kubernetes/kustomization.yaml
for file in deploy/kubernetes/validation/must-fail/*.yaml; do
  check "rejected as it must be: $file" bash -c '! node "$1" --crds "$2" --files "$3"' _ "$work/validate.mjs" \
    "$work/crds" "$file"
done

say "finished in $((SECONDS - started))s"
echo "check-kubernetes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
