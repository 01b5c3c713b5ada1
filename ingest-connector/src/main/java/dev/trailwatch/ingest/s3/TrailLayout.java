package dev.trailwatch.ingest.s3;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * CloudTrail's S3 key layout, {@code [trail-prefix/]AWSLogs/[o-id/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>},
 * with and without the organization id level, and the discovery of its account/region folders by delimiter listings
 * (a few requests per account; never a full listing of the bucket).
 */
public final class TrailLayout {

    private static final Pattern REGION_FOLDER =
            Pattern.compile("(?:.*/)?AWSLogs/(?:o-[a-z0-9]+/)?(\\d{12})/(CloudTrail|CloudTrail-Insight)/([a-z0-9-]+)/");
    private static final Pattern TOWARDS_REGION = Pattern.compile(
            "(?:.*/)?AWSLogs/(?:(?:o-[a-z0-9]+/)?(?:(\\d{12})/(?:(?:CloudTrail|CloudTrail-Insight)/)?)?)?");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd/").withZone(ZoneOffset.UTC);
    private static final int MAX_LEVELS_ABOVE_AWSLOGS = 3;

    private TrailLayout() {
    }

    /**
     * The account/region folders under {@code prefix} (a trail's key prefix, or any folder down to one region folder),
     * sorted by prefix.
     *
     * @param accounts accounts to keep (empty: all)
     * @param regions  regions to keep (empty: all)
     * @param insights whether to include {@code CloudTrail-Insight/} folders
     */
    public static List<TrailPrefix> discover(S3Client s3, String bucket, String prefix, Collection<String> accounts,
                                             Collection<String> regions, boolean insights) {
        List<TrailPrefix> found = new ArrayList<>();
        descend(s3, bucket, prefix == null ? "" : prefix, 0, accounts, regions, insights, found);
        found.sort((a, b) -> a.prefix().compareTo(b.prefix()));
        return found;
    }

    private static void descend(S3Client s3, String bucket, String prefix, int level, Collection<String> accounts,
                                Collection<String> regions, boolean insights, List<TrailPrefix> found) {
        Matcher leaf = REGION_FOLDER.matcher(prefix);
        if (leaf.matches()) {
            boolean insight = leaf.group(2).equals("CloudTrail-Insight");
            if ((insights || !insight) && (regions.isEmpty() || regions.contains(leaf.group(3)))) {
                found.add(new TrailPrefix(bucket, prefix, leaf.group(1), leaf.group(3), insight));
            }
            return;
        }
        if (!mayLeadToRegionFolder(prefix, level, accounts)) {
            return;
        }
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).delimiter("/").build();
        for (CommonPrefix child : s3.listObjectsV2Paginator(request).commonPrefixes()) {
            descend(s3, bucket, child.prefix(), level + 1, accounts, regions, insights, found);
        }
    }

    private static boolean mayLeadToRegionFolder(String prefix, int level, Collection<String> accounts) {
        if (prefix.isEmpty()) {
            return true;
        }
        if (!prefix.contains("AWSLogs/")) {
            return level < MAX_LEVELS_ABOVE_AWSLOGS && prefix.endsWith("/");
        }
        Matcher m = TOWARDS_REGION.matcher(prefix);
        if (!m.matches()) {
            return false;
        }
        return m.group(1) == null || accounts.isEmpty() || accounts.contains(m.group(1));
    }

    /** The key to list after so that a listing starts with the day of {@code start}: {@code <prefix>YYYY/MM/DD/}. */
    public static String firstKeyOfDay(TrailPrefix prefix, Instant start) {
        return prefix.prefix() + DAY.format(start);
    }

    /** The {@code YYYY/MM/DD/} day folder of a key under a region folder, or null. */
    public static String dayOf(TrailPrefix prefix, String key) {
        String rest = key.startsWith(prefix.prefix()) ? key.substring(prefix.prefix().length()) : "";
        return rest.length() >= 11 && rest.charAt(4) == '/' && rest.charAt(7) == '/' && rest.charAt(10) == '/'
                ? rest.substring(0, 11) : null;
    }

    /** The {@code YYYY/MM/DD/} folder name of an instant's UTC day. */
    public static String day(Instant t) {
        return DAY.format(t);
    }
}
