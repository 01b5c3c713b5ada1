package dev.trailwatch.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The published JSON Schemas (native alert contract and OCSF Detection Finding), loaded from the classpath as a
 * consumer would load the files, validating with formats asserted (uuid, date-time, ipv4/ipv6).
 */
public enum AlertSchemas {
    NATIVE("/schema/alert.schema.json"),
    OCSF("/schema/ocsf-detection-finding.schema.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schema schema;

    AlertSchemas(String resource) {
        try (InputStream in = AlertSchemas.class.getResourceAsStream(resource)) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema violations of {@code json} (empty when it is valid), each naming the path and the rule. */
    public List<String> violations(JsonNode json) {
        List<Error> errors = schema.validate(json,
                context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
        return errors.stream().map(Error::toString).toList();
    }

    public List<String> violations(byte[] json) {
        try {
            return violations(JSON.readTree(json));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }
}
