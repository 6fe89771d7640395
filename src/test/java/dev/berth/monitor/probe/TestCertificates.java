package dev.berth.monitor.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** Self-signed certificates made with the JDK's real keytool, and a TLS server that shows them. */
final class TestCertificates {
    static final String PASSWORD = "changeit";

    private TestCertificates() { }

    /**
     * A PKCS12 keystore with one self-signed EC certificate for localhost and 127.0.0.1.
     *
     * @param startDate keytool's -startdate ("-10d"), or null for now
     */
    static Path selfSigned(Path dir, String name, String startDate, int validityDays) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", Integer.toString(validityDays),
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (startDate != null) argv.addAll(List.of("-startdate", startDate));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), "keytool: " + out);
        return keystore;
    }

    static SSLContext serverContext(Path keystore) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** Accepts TLS connections on 127.0.0.1, completes the handshake and hangs up. */
    static final class TlsServer implements AutoCloseable {
        private final SSLServerSocket socket;

        TlsServer(Path keystore) throws Exception {
            socket = (SSLServerSocket) serverContext(keystore).getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        ((SSLSocket) client).startHandshake();
                    } catch (IOException e) {
                        // a probe that gives up mid-handshake, or the server closing
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
