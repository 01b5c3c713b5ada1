package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.TrailObject;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.s3.AwsSettings;
import dev.trailwatch.ingest.s3.S3Objects;
import dev.trailwatch.ingest.s3.S3Uri;
import dev.trailwatch.ingest.s3.TrailLayout;
import dev.trailwatch.ingest.s3.TrailPrefix;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 locations as streams of objects in scan order. Under CloudTrail's layout each account/region folder is listed
 * in key order (which is delivery-time order), starting at the day of {@code --since} and stopping past
 * {@code --until}; {@code --accounts} and {@code --regions} choose the folders, so nothing else is listed. A prefix
 * outside that layout is listed whole and sorted by file name.
 */
final class S3Inputs implements AutoCloseable {

    private final ScanFilter filter;
    private final S3Client s3 = AwsClients.s3(AwsSettings.fromEnvironment());

    S3Inputs(ScanFilter filter) {
        this.filter = filter;
    }

    Iterator<TrailObject> list(String location) {
        S3Uri uri = S3Uri.parse(location);
        List<TrailPrefix> folders = TrailLayout.discover(s3, uri.bucket(), uri.prefix(), filter.accounts(),
                filter.regions(), false);
        if (folders.isEmpty()) {
            List<TrailObject> all = new ArrayList<>();
            S3Objects.list(s3, uri.bucket(), uri.prefix(), null).forEachRemaining(o -> {
                if (isLog(o.key())) {
                    TrailObject object = object(uri.bucket(), o);
                    if (filter.mayHold(object)) {
                        all.add(object);
                    }
                }
            });
            all.sort(TrailObject.ORDER);
            return all.iterator();
        }
        List<Iterator<TrailObject>> perFolder = new ArrayList<>();
        for (TrailPrefix folder : folders) {
            String startAfter = filter.since() == null ? null : TrailLayout.firstKeyOfDay(folder, filter.since());
            perFolder.add(new Folder(S3Objects.list(s3, uri.bucket(), folder.prefix(), startAfter), uri.bucket()));
        }
        return new dev.trailwatch.detector.pipeline.MergedObjects(perFolder);
    }

    private static boolean isLog(String key) {
        return !key.endsWith("/") && !CloudTrailFiles.isDigest(key) && !CloudTrailFiles.isInsight(key)
                && CloudTrailFiles.isLogFileName(key.substring(key.lastIndexOf('/') + 1));
    }

    private TrailObject object(String bucket, S3Object o) {
        String key = o.key();
        return TrailObject.of(key.substring(key.lastIndexOf('/') + 1), "s3://" + bucket + "/" + key, "s3",
                o.size() == null ? 0 : o.size(),
                () -> S3Objects.open(s3, bucket, key));
    }

    @Override
    public void close() {
        s3.close();
    }

    /** One account/region folder's objects in key order, filtered, ending once past {@code --until}. */
    private final class Folder implements Iterator<TrailObject> {
        private final Iterator<S3Object> keys;
        private final String bucket;
        private TrailObject next;
        private boolean done;

        Folder(Iterator<S3Object> keys, String bucket) {
            this.keys = keys;
            this.bucket = bucket;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done && keys.hasNext()) {
                S3Object o = keys.next();
                if (!isLog(o.key())) {
                    continue;
                }
                TrailObject object = object(bucket, o);
                if (filter.until() != null && object.deliveredAt() != null
                        && object.deliveredAt().isAfter(filter.until().plus(filter.deliveryLag()))) {
                    done = true;
                } else if (filter.mayHold(object)) {
                    next = object;
                }
            }
            return next != null;
        }

        @Override
        public TrailObject next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            TrailObject result = next;
            next = null;
            return result;
        }
    }
}
