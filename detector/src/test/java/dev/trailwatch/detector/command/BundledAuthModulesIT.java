package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The jars users run carry what MSK IAM and pod credentials need (`java -jar` leaves no classpath to add them to):
 * the MSK IAM login module and callback handlers, and the AWS SDK's STS / SSO credential providers.
 */
class BundledAuthModulesIT {

    static final List<String> REQUIRED = List.of(
            "software/amazon/msk/auth/iam/IAMLoginModule.class",
            "software/amazon/msk/auth/iam/IAMClientCallbackHandler.class",
            "software/amazon/msk/auth/iam/IAMOAuthBearerLoginCallbackHandler.class",
            "software/amazon/awssdk/services/sts/internal/StsWebIdentityCredentialsProviderFactory.class",
            "software/amazon/awssdk/services/sts/internal/StsProfileCredentialsProviderFactory.class",
            "software/amazon/awssdk/services/sso/auth/SsoProfileCredentialsProviderFactory.class");

    static Stream<Path> jars() throws IOException {
        Path ingestTarget = Path.of("..", "ingest-connector", "target");
        try (Stream<Path> files = Files.list(ingestTarget)) {
            List<Path> ingest = files.filter(p -> p.getFileName().toString().matches(
                    "trailwatch-ingest-connector-.*-(cli|connect-plugin)\\.jar")).toList();
            assertThat(ingest).as("the CLI and Connect plugin jars in " + ingestTarget).hasSize(2);
            return Stream.concat(Stream.of(Path.of("target", "trailwatch.jar")), ingest.stream());
        }
    }

    @ParameterizedTest
    @MethodSource("jars")
    void jarCarriesMskIamAndStsCredentialProviders(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(REQUIRED).allSatisfy(entry -> assertThat(file.getEntry(entry)).as(jar + " has " + entry)
                    .isNotNull());
        }
    }
}
