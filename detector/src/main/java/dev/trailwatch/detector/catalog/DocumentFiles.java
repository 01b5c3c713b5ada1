package dev.trailwatch.detector.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The documents of a folder of rule or tuning files, as the detector reads them at start and on every reload: every
 * file under it (sub-folders too) whose name ends with one of the given extensions, by its path, sorted.
 *
 * <p>Symbolic links are followed, and hidden entries (a name starting with {@code .}) are skipped. That is what makes a
 * Kubernetes ConfigMap mount read right: there each file is a link {@code rule.yml -> ..data/rule.yml}, {@code ..data}
 * is a link to a hidden, timestamped folder ({@code ..2026_12_05_09_30_00.123}), and an update writes a new folder and
 * swaps the {@code ..data} link atomically. Reading the links (not the hidden folders) sees each file once, and always
 * a complete version of the whole set. Editors' swap and backup files ({@code .rule.yml.swp}) are skipped the same way.
 * A path may also be a single file.
 */
public final class DocumentFiles {

    private final Path root;
    private final Set<String> extensions;

    /** @param extensions the file name endings to read, lower case with the dot ({@code .yml}) */
    public DocumentFiles(Path root, Set<String> extensions) {
        this.root = root;
        this.extensions = Set.copyOf(extensions);
    }

    public Path root() {
        return root;
    }

    /**
     * Path (as {@code root.resolve(...)} prints it: what messages and rule sources show) to text, sorted by path.
     *
     * @throws IOException when the root is missing or cannot be listed, or a file cannot be read
     */
    public Map<String, String> read() throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (Files.isRegularFile(root)) {
            out.put(root.toString(), Files.readString(root, StandardCharsets.UTF_8));
            return out;
        }
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": no such directory");
        }
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE
                                : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (attrs.isRegularFile() && !hidden(file) && wanted(file)) {
                            out.put(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException || hidden(file)) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        return out;
    }

    private boolean wanted(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return extensions.stream().anyMatch(name::endsWith);
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
