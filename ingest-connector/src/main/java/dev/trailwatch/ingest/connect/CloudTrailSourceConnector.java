package dev.trailwatch.ingest.connect;

import static dev.trailwatch.ingest.connect.CloudTrailSourceConfig.FILES_PATHS;
import static dev.trailwatch.ingest.connect.CloudTrailSourceConfig.SQS_QUEUE_URLS;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Kafka Connect source connector: CloudTrail records from SQS notices, S3 listings or local files into
 * {@code cloudtrail.events} (key {@code recipientAccountId}, timestamp {@code eventTime}, value the record's bytes
 * unchanged). Work is split by queue, by account/region prefix or by path; see {@link CloudTrailSourceConfig}.
 */
public final class CloudTrailSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public ConfigDef config() {
        return CloudTrailSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean valid = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (valid) {
            String missing = new CloudTrailSourceConfig(connectorConfigs).missingRequirement();
            if (missing != null) {
                config.configValues().stream().filter(v -> v.name().equals(missing)).findFirst()
                        .ifPresent(v -> v.addErrorMessage(missing + " is required for source.type="
                                + connectorConfigs.get(CloudTrailSourceConfig.SOURCE_TYPE)));
            }
        }
        return config;
    }

    @Override
    public void start(Map<String, String> props) {
        CloudTrailSourceConfig config = new CloudTrailSourceConfig(props);
        String missing = config.missingRequirement();
        if (missing != null) {
            throw new ConfigException(missing, "", "required for source.type=" + config.sourceType());
        }
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CloudTrailSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        CloudTrailSourceConfig config = new CloudTrailSourceConfig(props);
        return switch (config.sourceType()) {
            case CloudTrailSourceConfig.TYPE_SQS -> split(SQS_QUEUE_URLS, config.list(SQS_QUEUE_URLS), maxTasks, true);
            case CloudTrailSourceConfig.TYPE_FILES -> split(FILES_PATHS, config.list(FILES_PATHS), maxTasks, false);
            default -> byIndex(maxTasks);
        };
    }

    /** Items round-robin across tasks; with fewer items than tasks, either one task per item or all items everywhere. */
    private List<Map<String, String>> split(String key, List<String> items, int maxTasks, boolean shareWhenFew) {
        if (shareWhenFew && items.size() < maxTasks) {
            List<Map<String, String>> tasks = new ArrayList<>();
            for (int i = 0; i < maxTasks; i++) {
                tasks.add(props);
            }
            return tasks;
        }
        int n = Math.min(maxTasks, items.size());
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < items.size(); i++) {
            groups.get(i % n).add(items.get(i));
        }
        List<Map<String, String>> tasks = new ArrayList<>();
        for (List<String> group : groups) {
            Map<String, String> task = new HashMap<>(props);
            task.put(key, String.join(",", group));
            tasks.add(task);
        }
        return tasks;
    }

    /** S3 prefixes are discovered by the tasks; each keeps those whose stable hash falls on its index. */
    private List<Map<String, String>> byIndex(int maxTasks) {
        List<Map<String, String>> tasks = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(CloudTrailSourceConfig.TASK_INDEX, Integer.toString(i));
            task.put(CloudTrailSourceConfig.TASK_COUNT, Integer.toString(maxTasks));
            tasks.add(task);
        }
        return tasks;
    }

    @Override
    public void stop() {
        // tasks own all resources
    }

    /** Offsets restore exactly for S3 listings and files; SQS deletes are outside Kafka's transactions. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        String type = connectorConfig.get(CloudTrailSourceConfig.SOURCE_TYPE);
        return CloudTrailSourceConfig.TYPE_SQS.equals(type) ? ExactlyOnceSupport.UNSUPPORTED : ExactlyOnceSupport.SUPPORTED;
    }

    /** Offsets may be altered or reset (e.g. to replay a prefix); SQS offsets are informational only. */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        return true;
    }
}
