#!/usr/bin/env bash
# Fault soak, not run by CI: the fault suite's round (SIGKILL with an immediate restart, SIGKILL with the state
# directory wiped, the broker SIGKILLed and restarted, graceful restarts of a static and a dynamic member) repeated
# ROUNDS times while traffic flows, then the committed alerts and dead letters compared record by record with a clean
# run of the same input (FaultSuiteIT). Figures: detector/target/faults/report.txt; logs next to it.
# Usage: scripts/fault-soak.sh [ROUNDS (default 10)] [BENIGN events per account per 1 s batch (default 40)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
benign=${2:-40}
mvn -B -q -DskipTests -pl detector -am install
mvn -B -pl detector verify -Dit.test=FaultSuiteIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfaults.rounds="$rounds" -Dfaults.benign="$benign"
cat detector/target/faults/report.txt
