package dev.trailwatch.ingest.source;


/** A source that closes the AWS clients it was given when it is closed. */
public final class ClosingSource implements IngestSource {

    private final IngestSource source;
    private final AutoCloseable[] clients;

    public ClosingSource(IngestSource source, AutoCloseable... clients) {
        this.source = source;
        this.clients = clients;
    }

    @Override
    public void run(RecordEmitter out) throws Exception {
        source.run(out);
    }

    @Override
    public void stop() {
        source.stop();
    }

    @Override
    public void close() {
        source.close();
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // on the way out
            }
        }
    }
}
