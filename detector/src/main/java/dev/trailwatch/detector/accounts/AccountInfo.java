package dev.trailwatch.detector.accounts;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the accounts topic ({@code trailwatch.accounts}) says about one account: key = the 12-digit account id, value =
 * this JSON, a tombstone removes the account. Operators write {@code name}, {@code ou} and {@code tags}; TrailWatch
 * writes the accounts it learns with {@code learnedFrom} and {@code learnedAt}.
 *
 * @param tags        free-form (an object, or AWS's {@code [{"Key":..,"Value":..}]}); kept as written here, and
 *                    flattened into one object on each alert's context (see {@code AlertEnricher})
 *
 * @param learnedFrom how TrailWatch learned the account ({@code recipient}, {@code organizations:CreateAccount}, ...),
 *                    null for operator entries
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountInfo(
        @JsonAlias({"accountName", "Name"}) String name,
        @JsonAlias({"OU", "organizationalUnit"}) String ou,
        JsonNode tags,
        String learnedFrom,
        Instant learnedAt) {

    public static AccountInfo named(String name) {
        return new AccountInfo(name, null, null, null, null);
    }

    public static AccountInfo learned(String name, String learnedFrom, Instant learnedAt) {
        return new AccountInfo(name, null, null, learnedFrom, learnedAt);
    }
}
