package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwatch scan} with the real GeoIP databases given on the command line: a month of one user's console
 * sign-ins, then one from a new country, gives console-login-new-country with the source located in the alert's context
 * (held alerts go out at the end of the input); a database path that does not exist stops the scan with exit 2.
 */
class ScanGeoIpIT {

    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void raisesConsoleLoginNewCountryWithTheSourceLocatedInEveryAlertsContext() throws IOException {
        Path country = GeoIpDatabases.country();
        Path asn = GeoIpDatabases.asn();
        List<TestEvents> events = Stream.concat(
                Stream.iterate(0, day -> day < 20, day -> day + 2).map(day -> login("8.8.8.8", T0.plus(Duration.ofDays(day)))),
                Stream.of(login("85.214.132.117", T0.plus(Duration.ofDays(21))))).toList();
        Path file = dir.resolve("trail.json");
        Files.writeString(file, "{\"Records\": [" + events.stream().map(e -> e.json().toString())
                .collect(Collectors.joining(",")) + "]}");

        ScanRun run = ScanRun.of(dir, "-D", "geoip.country-db=" + country, "-D", "geoip.asn-db=" + asn,
                file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<JsonNode> alerts = run.lines().stream().map(ScanGeoIpIT::json).toList();
        List<JsonNode> newCountry = alerts.stream()
                .filter(a -> a.path("ruleId").asText().equals("console-login-new-country")).toList();
        assertThat(newCountry).hasSize(1);
        assertThat(newCountry.get(0).at("/evidence/newCountry").asText()).isEqualTo("DE");
        assertThat(newCountry.get(0).at("/context/source/country").asText()).isEqualTo("DE");
        assertThat(newCountry.get(0).at("/context/source/asn").asLong()).isEqualTo(6724L);
        // Every other alert on these sign-ins (the watch-list's console-login) is located too.
        assertThat(alerts).allSatisfy(alert -> assertThat(alert.at("/context/source/country").asText())
                .isIn("US", "DE"));
    }

    @Test
    void stopsWithExitTwoAndNamesTheSettingWhenTheDatabaseFileIsMissing() throws IOException {
        Path file = dir.resolve("trail.json");
        Files.writeString(file, "{\"Records\": [" + login("8.8.8.8", T0).json() + "]}");

        ScanRun run = ScanRun.of(dir, "-D", "geoip.country-db=" + dir.resolve("GeoLite2-Country.mmdb"),
                file.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("geoip.country-db").contains("GeoLite2-Country.mmdb");
    }

    private static TestEvents login(String ip, Instant time) {
        TestEvents event = TestEvents.event("signin.amazonaws.com", "ConsoleLogin", time).sourceIp(ip)
                .set("eventType", "AwsConsoleSignIn").remove("readOnly");
        ObjectNode extra = event.json().putObject("additionalEventData");
        extra.put("MFAUsed", "Yes");
        event.json().putObject("responseElements").put("ConsoleLogin", "Success");
        return event;
    }

    private static JsonNode json(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
