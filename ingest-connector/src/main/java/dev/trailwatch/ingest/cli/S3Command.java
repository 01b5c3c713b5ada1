package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.s3.S3Uri;
import dev.trailwatch.ingest.source.ClosingSource;
import dev.trailwatch.ingest.source.IngestSource;
import dev.trailwatch.ingest.source.KeyOffset;
import dev.trailwatch.ingest.source.S3ListingSource;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

@Command(name = "s3", mixinStandardHelpOptions = true,
        description = "Backfill from a trail's bucket: the account/region folders under s3://bucket/prefix "
                + "(AWSLogs/[o-id/]<account>/CloudTrail/<region>/...), merged in delivery-time order.")
final class S3Command extends IngestCommand {

    @Parameters(index = "0", paramLabel = "s3://BUCKET[/PREFIX]", description = "The trail's bucket and key prefix.")
    String location;

    @Option(names = "--accounts", split = ",", description = "Only these account ids.")
    List<String> accounts = new ArrayList<>();

    @Option(names = "--regions", split = ",", description = "Only these regions.")
    List<String> regions = new ArrayList<>();

    @Option(names = "--start", paramLabel = "ISO-8601", description = "Files delivered at or after this instant.")
    String start;

    @Option(names = "--end", paramLabel = "ISO-8601", description = "Files delivered before this instant.")
    String end;

    @Mixin
    AwsOptions aws;

    @Override
    IngestSource source() throws BadInput {
        if (!S3Uri.isS3Uri(location)) {
            throw new BadInput("not an s3://bucket/prefix location: " + location);
        }
        S3Uri uri = S3Uri.parse(location);
        S3ListingSource.Selection selection = new S3ListingSource.Selection(uri.bucket(), uri.prefix(), accounts,
                regions, instant("--start", start), instant("--end", end));
        S3Client s3 = AwsClients.s3(aws.settings());
        S3ListingSource listing = new S3ListingSource(s3, selection, kafka.routing(), new CloudTrailFileReader(), null,
                p -> true, p -> KeyOffset.START);
        return new ClosingSource(listing, s3);
    }

    private static Instant instant(String option, String value) throws BadInput {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadInput(option + " must be an ISO-8601 instant like 2024-01-15T00:00:00Z: " + value);
        }
    }
}
