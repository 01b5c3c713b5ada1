package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.source.EventTimeBounds;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the event-time bounds of a topic from its configuration (the broker's defaults included). */
final class TopicTimeLimits {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTimeLimits.class);

    private TopicTimeLimits() {
    }

    /** The topic's bounds; the broker's defaults when its configuration cannot be read (no permission, no topic). */
    static EventTimeBounds of(Map<String, Object> producerSettings, String topic) {
        Map<String, Object> admin = new java.util.HashMap<>(producerSettings);
        admin.keySet().removeIf(k -> k.startsWith("key.") || k.startsWith("value.") || k.equals("acks")
                || k.equals("enable.idempotence") || k.equals("compression.type") || k.equals("linger.ms")
                || k.equals("batch.size") || k.equals("max.block.ms"));
        admin.put("client.id", "trailwatch-ingest-admin");
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin client = Admin.create(admin)) {
            Config config = client.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS).get(resource);
            return bounds(config);
        } catch (Exception e) {
            LOG.warn("cannot read the configuration of topic {} ({}); assuming the broker defaults: event times at "
                    + "most 1 h ahead, any age", topic, e.toString());
            return EventTimeBounds.BROKER_DEFAULTS;
        }
    }

    static EventTimeBounds bounds(Config config) {
        if ("LogAppendTime".equalsIgnoreCase(value(config, "message.timestamp.type", "CreateTime"))) {
            return EventTimeBounds.NONE;
        }
        long after = Long.parseLong(value(config, "message.timestamp.after.max.ms", "3600000"));
        long before = Long.parseLong(value(config, "message.timestamp.before.max.ms",
                Long.toString(Long.MAX_VALUE)));
        long retention = Long.parseLong(value(config, "retention.ms", "-1"));
        long age = before == Long.MAX_VALUE ? -1 : before;
        if (retention > 0) {
            age = age < 0 ? retention : Math.min(age, retention);
        }
        return new EventTimeBounds(after == Long.MAX_VALUE ? -1 : after, age);
    }

    private static String value(Config config, String name, String fallback) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? fallback : entry.value();
    }
}
