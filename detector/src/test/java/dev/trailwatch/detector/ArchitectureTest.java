package dev.trailwatch.detector;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The package structure as docs/architecture.md describes it, checked over the compiled main classes of both modules:
 * no package depends on itself through others, and the stream graph's sources and sinks are wired in one place.
 */
@AnalyzeClasses(packages = "dev.trailwatch", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every package is its own slice: a cycle between any two packages, sub-packages included, fails. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.trailwatch.(**)").should().beFreeOfCycles();

    /**
     * Only {@code DetectorTopology} reads topics and writes to them; detection families return what they produce.
     * (The bench's baseline app is a separate, trivial Streams application.)
     */
    @ArchTest
    static final ArchRule onlyTheTopologyWiresTopics = noClasses()
            .that().resideInAPackage("dev.trailwatch.detector..")
            .and().resideOutsideOfPackages("dev.trailwatch.detector.topology", "dev.trailwatch.detector.bench")
            .should().callMethodWhere(describe("KStream.to(...) or StreamsBuilder.stream/table/globalTable(...)",
                    (JavaMethodCall call) -> wiresTopic(call)));

    private static boolean wiresTopic(JavaMethodCall call) {
        String name = call.getTarget().getName();
        boolean sink = call.getTargetOwner().isAssignableTo(KStream.class) && name.equals("to");
        boolean source = call.getTargetOwner().isAssignableTo(StreamsBuilder.class)
                && (name.equals("stream") || name.equals("table") || name.equals("globalTable"));
        return sink || source;
    }
}
