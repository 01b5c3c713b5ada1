package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An address an EC2 instance's role credentials were used from, as first seen.
 *
 * @param name    a public IP address, or {@code vpce-...@account} for a VPC endpoint of another account
 * @param first   earliest event time of a call from it
 * @param eventId that call's event id (the least, among calls at that same time)
 * @param call    that call, for the alert
 * @param decided whether the alert decision for it has been made
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Origin(String name, long first, String eventId, Anchor call, boolean decided) {

    Origin earlier(long time, String id, Anchor at) {
        return time < first || time == first && id.compareTo(eventId) < 0 ? new Origin(name, time, id, at, decided)
                : this;
    }

    Origin asDecided() {
        return new Origin(name, first, eventId, call, true);
    }

    Origin undecided() {
        return new Origin(name, first, eventId, call, false);
    }
}
