package dev.trailwatch.detector.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an IP address is, as the configured databases say: its country (ISO 3166-1 alpha-2, e.g. {@code DE}) and
 * its autonomous system (number and organization). Each part is null when no database is set for it or the database
 * does not know the address (private ranges, AWS-internal callers, a service name instead of an IP).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpLocation(String country, Long asn, String asOrganization) {

    public static final IpLocation UNKNOWN = new IpLocation(null, null, null);

    @JsonIgnore
    public boolean isUnknown() {
        return country == null && asn == null;
    }
}
