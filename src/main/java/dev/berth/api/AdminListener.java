package dev.berth.api;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.berth.access.IpAllowList;
import dev.berth.config.AdminSpec;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.logging.Logger;
import java.net.Socket;
import java.security.Principal;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * admin: a second listener for the same routes as the daemon's 127.0.0.1 port: another address,
 * an allow-list (anyone else gets a bare 403 before a byte of the request is read as HTTP), and
 * TLS from a front door site's certificate or the user's files. The certificate is read again
 * when its file changes (a renewal), for the connections after it.
 */
public final class AdminListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AdminListener.class.getName());

    private final ApiServer api;
    /** A site's current chain and key files (the front door's), by site name. */
    private final Function<String, Optional<Path[]>> siteCertificate;
    private AdminSpec serving = AdminSpec.NONE;
    private HttpServer server;
    private String lastFailure;

    public AdminListener(ApiServer api, Function<String, Optional<Path[]>> siteCertificate) {
        this.api = api;
        this.siteCertificate = siteCertificate;
    }

    /** Listens as spec says from now on (NONE: not at all); the same spec again changes nothing. */
    public synchronized void use(AdminSpec spec) {
        if (spec.equals(serving) && (server != null || !spec.any())) return;
        close();
        serving = spec;
        if (!spec.any()) return;
        try {
            IpAllowList allow = spec.allow().isEmpty() ? null : IpAllowList.parse(spec.allow());
            InetSocketAddress at = new InetSocketAddress(spec.host(), spec.port());
            if (spec.tls()) {
                HttpsServer https = HttpsServer.create(at, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(context(spec)));
                server = https;
            } else {
                server = HttpServer.create(at, 64);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", ex -> {
                if (allow != null && !allow.allows(ex.getRemoteAddress().getAddress())) {
                    try (ex) {
                        ex.sendResponseHeaders(403, -1);
                    }
                    return;
                }
                api.dispatch(ex);
            });
            server.start();
            LOG.info("admin listener on " + spec.host() + ":" + spec.port() + (spec.tls() ? " (TLS)" : "")
                    + (allow == null ? "" : ", allowed: " + String.join(" ", spec.allow())));
        } catch (Exception e) {
            // tried again every round (the port may come free): said once until the reason changes
            String why = "admin listener on " + spec.host() + ":" + spec.port() + " cannot start: " + e.getMessage();
            if (!why.equals(lastFailure)) LOG.warning(why);
            lastFailure = why;
            server = null;
            return;
        }
        lastFailure = null;
    }

    /** Where it listens, or null. */
    public synchronized InetSocketAddress address() {
        return server == null ? null : server.getAddress();
    }

    @Override public synchronized void close() {
        if (server != null) server.stop(0);
        server = null;
        serving = AdminSpec.NONE;
    }

    /**
     * The key manager of the listener's one SSLContext (the JDK's server takes its context once):
     * each handshake gets the certificate as its files are now, read again when the chain's file
     * changed (a renewal).
     */
    private final class Reloading extends X509ExtendedKeyManager {
        private final AdminSpec spec;
        private X509KeyManager current;
        private FileTime loadedAt;

        Reloading(AdminSpec spec) {
            this.spec = spec;
        }

        private synchronized X509KeyManager current() {
            try {
                Path[] files = spec.site() != null ? siteCertificate.apply(spec.site()).orElse(null) : new Path[] {spec.cert(), spec.key()};
                if (files == null) throw new IOException("site " + spec.site() + " has no certificate yet");
                FileTime now = Files.getLastModifiedTime(files[0]);
                if (current == null || !now.equals(loadedAt)) {
                    current = keyManager(files[0], files[1]);
                    loadedAt = now;
                }
            } catch (Exception e) {
                LOG.warning("admin listener: cannot read its certificate: " + e.getMessage());
            }
            return current;
        }

        @Override public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            X509KeyManager km = current();
            if (km == null) return null;
            return km instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine) : km.chooseServerAlias(keyType, issuers, null);
        }

        @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            X509KeyManager km = current();
            return km == null ? null : km.chooseServerAlias(keyType, issuers, socket);
        }

        @Override public X509Certificate[] getCertificateChain(String alias) {
            X509KeyManager km = current();
            return km == null ? null : km.getCertificateChain(alias);
        }

        @Override public PrivateKey getPrivateKey(String alias) {
            X509KeyManager km = current();
            return km == null ? null : km.getPrivateKey(alias);
        }

        @Override public String[] getServerAliases(String keyType, Principal[] issuers) {
            X509KeyManager km = current();
            return km == null ? null : km.getServerAliases(keyType, issuers);
        }

        @Override public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    private SSLContext context(AdminSpec spec) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new Reloading(spec)}, null, null);
        return ctx;
    }

    /** A key manager holding a PEM chain and a PEM key (PKCS#8, or the older RSA/EC forms). */
    static X509KeyManager keyManager(Path chain, Path key) throws Exception {
        List<? extends Certificate> certs;
        try (var in = Files.newInputStream(chain)) {
            certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (certs.isEmpty()) throw new IOException(chain + " holds no certificate");
        PrivateKey pk;
        try (Reader r = Files.newBufferedReader(key, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            pk = switch (o) {
                case PEMKeyPair kp -> c.getKeyPair(kp).getPrivate();
                case PrivateKeyInfo info -> c.getPrivateKey(info);
                case null, default -> throw new IOException(key + " holds no private key");
            };
        }
        char[] none = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("admin", pk, none, certs.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        return (X509KeyManager) kmf.getKeyManagers()[0];
    }
}
