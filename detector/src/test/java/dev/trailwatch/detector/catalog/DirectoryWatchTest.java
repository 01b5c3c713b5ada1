package dev.trailwatch.detector.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder kept in step with a catalog: what a user does to rules.dir or tuning.dir while the detector runs (edit,
 * add, delete, save a broken file, a Kubernetes ConfigMap update) and what the catalog then holds.
 */
class DirectoryWatchTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Map<String, Integer>> changes = new ArrayList<>();
    private final DocumentCatalog<Integer> catalog = DocumentCatalog.files("numbers", "numbers.dir", "dir",
            (name, text) -> {
                try {
                    return Integer.valueOf(text.strip());
                } catch (NumberFormatException e) {
                    throw new DocumentRejected("yaml", name + ": not a number: " + text.strip());
                }
            }, changes::add, registry);

    private DirectoryWatch watch() {
        return new DirectoryWatch(new DocumentFiles(dir, Set.of(".yml", ".yaml")), catalog);
    }

    @Test
    void appliesAChangedAnAddedAndADeletedFileOnTheNextPoll() throws IOException {
        Files.writeString(dir.resolve("a.yml"), "1");
        Files.createDirectories(dir.resolve("team"));
        Files.writeString(dir.resolve("team/b.yaml"), "2");
        Files.writeString(dir.resolve("notes.txt"), "not a document");
        DirectoryWatch watch = watch();
        watch.poll();
        assertThat(catalog.documents()).containsOnly(Map.entry(path("a.yml"), 1), Map.entry(path("team/b.yaml"), 2));

        Files.writeString(dir.resolve("a.yml"), "10");
        Files.writeString(dir.resolve("c.yml"), "3");
        Files.delete(dir.resolve("team/b.yaml"));
        watch.poll();

        assertThat(catalog.documents()).containsOnly(Map.entry(path("a.yml"), 10), Map.entry(path("c.yml"), 3));
        assertThat(registry.get("trailwatch.numbers.files.changes").tag("outcome", "removed").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("trailwatch.numbers.files.active").gauge().value()).isEqualTo(2);
    }

    @Test
    void anUnchangedFolderChangesNothing() throws IOException {
        Files.writeString(dir.resolve("a.yml"), "1");
        DirectoryWatch watch = watch();
        watch.poll();
        watch.poll();
        watch.poll();

        assertThat(changes).as("one load, no change after it").hasSize(1);
    }

    @Test
    void aBrokenFileIsRejectedOnceAndThePreviousVersionStaysUntilItIsFixed() throws IOException {
        Files.writeString(dir.resolve("a.yml"), "1");
        DirectoryWatch watch = watch();
        watch.poll();

        Files.writeString(dir.resolve("a.yml"), "one");
        watch.poll();
        watch.poll();
        assertThat(catalog.documents()).containsExactly(Map.entry(path("a.yml"), 1));
        assertThat(registry.get("trailwatch.numbers.rejected").tags("source", "file", "reason", "yaml").counter()
                .count()).as("rejected once, not at every poll").isEqualTo(1);

        Files.writeString(dir.resolve("a.yml"), "2");
        watch.poll();
        assertThat(catalog.documents()).containsExactly(Map.entry(path("a.yml"), 2));
    }

    @Test
    void followsAConfigMapUpdateThatSwapsTheDataLinkAndSeesEachFileOnce() throws IOException {
        Path first = Files.createDirectories(dir.resolve("..2026_12_05_09_30_00.1"));
        Files.writeString(first.resolve("a.yml"), "1");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(dir.resolve("a.yml"), Path.of("..data/a.yml"));
        DirectoryWatch watch = watch();
        watch.poll();
        assertThat(catalog.documents()).containsExactly(Map.entry(path("a.yml"), 1));

        Path second = Files.createDirectories(dir.resolve("..2026_12_05_09_31_00.2"));
        Files.writeString(second.resolve("a.yml"), "2");
        Files.writeString(second.resolve("b.yml"), "3");
        Files.createSymbolicLink(dir.resolve("b.yml"), Path.of("..data/b.yml"));
        Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(swap, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteTree(first);
        watch.poll();

        assertThat(catalog.documents()).containsOnly(Map.entry(path("a.yml"), 2), Map.entry(path("b.yml"), 3));
    }

    @Test
    void aFolderThatCannotBeReadKeepsEverythingInForce() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(folder.resolve("a.yml"), "1");
        DirectoryWatch watch = new DirectoryWatch(new DocumentFiles(folder, Set.of(".yml")), catalog);
        watch.poll();

        deleteTree(folder);
        watch.poll();
        watch.poll();

        assertThat(catalog.documents()).containsExactly(Map.entry(folder.resolve("a.yml").toString(), 1));
        assertThat(registry.get("trailwatch.numbers.rejected").tags("reason", "unreadable").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aSingleFileCanBeWatched() throws IOException {
        Path file = Files.writeString(dir.resolve("tuning.yml"), "1");
        DirectoryWatch watch = new DirectoryWatch(new DocumentFiles(file, Set.of(".yml")), catalog);
        watch.poll();
        Files.writeString(file, "5");
        watch.poll();

        assertThat(catalog.documents()).containsExactly(Map.entry(file.toString(), 5));
    }

    private String path(String relative) {
        return dir.resolve(relative).toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
