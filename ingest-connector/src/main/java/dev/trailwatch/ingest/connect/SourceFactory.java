package dev.trailwatch.ingest.connect;

import static dev.trailwatch.ingest.connect.CloudTrailSourceConfig.*;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.s3.AwsSettings;
import dev.trailwatch.ingest.s3.TrailPrefix;
import dev.trailwatch.ingest.source.ClosingSource;
import dev.trailwatch.ingest.source.FilesSource;
import dev.trailwatch.ingest.source.IngestSource;
import dev.trailwatch.ingest.source.KeyOffset;
import dev.trailwatch.ingest.source.S3ListingSource;
import dev.trailwatch.ingest.source.SqsSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds a task's source from its configuration; the AWS clients it opens are closed with it. */
final class SourceFactory {

    private SourceFactory() {
    }

    static IngestSource create(CloudTrailSourceConfig config, Function<Map<String, Object>, KeyOffset> committed) {
        CloudTrailFileReader reader = new CloudTrailFileReader(config.getInt(RECORD_MAX_BYTES));
        AwsSettings aws = config.aws();
        return switch (config.sourceType()) {
            case TYPE_SQS -> {
                SqsClient sqs = AwsClients.sqs(aws);
                S3Client s3 = AwsClients.s3(aws);
                SqsSource.Polling polling = new SqsSource.Polling(config.list(SQS_QUEUE_URLS),
                        config.getInt(SQS_WAIT_SECONDS), config.getInt(SQS_MAX_MESSAGES),
                        config.getInt(SQS_VISIBILITY_SECONDS), false);
                yield closing(new SqsSource(sqs, s3, polling, config.routing(), reader), sqs, s3);
            }
            case TYPE_S3 -> {
                S3Client s3 = AwsClients.s3(aws);
                S3ListingSource.Selection selection = new S3ListingSource.Selection(config.getString(S3_BUCKET),
                        config.getString(S3_PREFIX), config.list(S3_ACCOUNTS), config.list(S3_REGIONS),
                        config.instant(S3_START_TIME), config.instant(S3_END_TIME));
                Predicate<TrailPrefix> mine = assignment(config.getInt(TASK_INDEX), config.getInt(TASK_COUNT));
                yield closing(new S3ListingSource(s3, selection, config.routing(), reader, config.pollInterval(), mine,
                        committed), s3);
            }
            default -> new FilesSource(config.list(FILES_PATHS).stream().map(Path::of).toList(), config.routing(),
                    reader, config.pollInterval(), committed);
        };
    }

    /** A stable hash of the prefix picks its task, so a prefix found later never moves between tasks. */
    static Predicate<TrailPrefix> assignment(int index, int count) {
        return p -> {
            CRC32 crc = new CRC32();
            crc.update(p.prefix().getBytes(StandardCharsets.UTF_8));
            return crc.getValue() % count == index;
        };
    }

    private static IngestSource closing(IngestSource source, AutoCloseable... clients) {
        return new ClosingSource(source, clients);
    }
}
