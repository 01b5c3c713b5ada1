#!/usr/bin/env bash
# Creates TrailWatch's topics if they do not exist yet (docker/compose.yml runs it once, in the Kafka image).
# Production: create the same topics with your own tooling, replication factor 3 and min.insync.replicas 2.
# Environment: BOOTSTRAP_SERVERS (default kafka:9092), PARTITIONS (events, alerts, dead letters; default 4),
# REPLICATION_FACTOR (default 1).
set -euo pipefail

bootstrap=${BOOTSTRAP_SERVERS:-kafka:9092}
partitions=${PARTITIONS:-4}
replication=${REPLICATION_FACTOR:-1}
topics=/opt/kafka/bin/kafka-topics.sh

create() {
  local name=$1
  shift
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$replication" "$@"
}

# One CloudTrail record per message, key = recipientAccountId; 7 days lets a stopped detector catch up.
create cloudtrail.events --config retention.ms=604800000 --config compression.type=lz4
# Alerts (JSON, key = alertId) and dead letters: kept 30 days for investigation and replay.
create cloudtrail.alerts --config retention.ms=2592000000
create cloudtrail.events.dlq --config retention.ms=2592000000
# Known organization accounts: latest value per account id, tombstones remove. Small, and read whole by every
# detector instance: one partition.
"$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic trailwatch.accounts \
  --partitions 1 --replication-factor "$replication" --config cleanup.policy=compact
# Watch-list rules published with `trailwatch rules publish` (key = rule id), hot reloaded by every instance.
"$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic trailwatch.rules \
  --partitions 1 --replication-factor "$replication" --config cleanup.policy=compact
# Tuning documents (exceptions, overrides; docs/tuning.md), key = document name, hot reloaded by every instance.
"$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic trailwatch.exceptions \
  --partitions 1 --replication-factor "$replication" --config cleanup.policy=compact

"$topics" --bootstrap-server "$bootstrap" --describe \
  --topic 'cloudtrail.events|cloudtrail.alerts|cloudtrail.events.dlq|trailwatch.accounts|trailwatch.rules|trailwatch.exceptions'
