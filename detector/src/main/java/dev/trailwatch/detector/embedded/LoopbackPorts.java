package dev.trailwatch.detector.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free TCP ports on 127.0.0.1, picked by letting the OS choose and releasing them again. */
public final class LoopbackPorts {

    private static final InetAddress LOOPBACK = loopback();

    private LoopbackPorts() {
    }

    /** {@code count} distinct ports that were free a moment ago; the caller binds them soon after. */
    public static int[] pick(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            // Held open together so that the OS cannot hand out the same port twice.
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, LOOPBACK);
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        } finally {
            sockets.forEach(LoopbackPorts::closeQuietly);
        }
    }

    private static InetAddress loopback() {
        try {
            // Literally 127.0.0.1: getLoopbackAddress() may answer ::1, and the broker advertises 127.0.0.1.
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the port was only borrowed to learn its number.
        }
    }
}
