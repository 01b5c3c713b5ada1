package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.source.FilesSource;
import dev.trailwatch.ingest.source.IngestSource;
import dev.trailwatch.ingest.source.KeyOffset;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "files", mixinStandardHelpOptions = true,
        description = "Local CloudTrail files and folders (.json, .json.gz; {\"Records\":[...]}, arrays or one event "
                + "per line; digest files skipped), read in delivery-time order.")
final class FilesCommand extends IngestCommand {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (recursive).")
    List<Path> paths;

    @Override
    IngestSource source() throws BadInput, java.io.IOException {
        try {
            CloudTrailFiles.list(paths);
        } catch (NoSuchFileException e) {
            throw new BadInput("no such file or folder: " + e.getFile());
        }
        return new FilesSource(paths, kafka.routing(), new CloudTrailFileReader(), null, p -> KeyOffset.START);
    }
}
