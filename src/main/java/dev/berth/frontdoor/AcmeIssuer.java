package dev.berth.frontdoor;

import dev.berth.config.ProxySpec;
import dev.berth.config.ProxySpec.Site;
import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Gets a site's certificate from an ACME directory (Let's Encrypt or any other): an account
 * (its key kept 0600 per directory), an order for the site's domains, each authorization
 * answered by HTTP-01 through the generated nginx (the challenge file in the directory nginx
 * serves /.well-known/acme-challenge/ from), then a new key and the chain, both written 0600
 * atomically. The ACME server's own words are kept in the error.
 */
final class AcmeIssuer {
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(90);

    private final Path accountsDir;
    private final Path challengeDir;

    AcmeIssuer(Path accountsDir, Path challengeDir) {
        this.accountsDir = accountsDir;
        this.challengeDir = challengeDir;
    }

    /** Why a certificate could not be had, in the ACME server's words where it gave any. */
    static final class AcmeFailure extends Exception {
        AcmeFailure(String message) {
            super(message);
        }
    }

    /** Orders a certificate for the site and writes it into {@code siteDir} (fullchain.pem, key.pem). */
    void issue(ProxySpec.Acme acme, boolean staging, Site site, Path siteDir, Consumer<String> progress) throws AcmeFailure {
        String directory = staging ? acme.staging() : acme.directory();
        List<Path> written = new ArrayList<>();
        try {
            Session session = new Session(URI.create(directory), new Provider(trust(acme.trust())));
            progress.accept("account at " + directory);
            Account account = new AccountBuilder().addEmail(acme.email()).agreeToTermsOfService().useKeyPair(accountKey(directory)).create(session);
            Order order = account.newOrder().domains(site.domains()).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) continue;
                String domain = auth.getIdentifier().getDomain();
                Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow(() ->
                        new AcmeFailure(directory + " offers no HTTP-01 challenge for " + domain + " (Berth answers HTTP-01 only)"));
                Path file = challengeDir.resolve(challenge.getToken());
                Files.writeString(file, challenge.getAuthorization(), StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--")); // nginx's workers serve it
                written.add(file);
                progress.accept("HTTP-01 for " + domain);
                challenge.trigger();
                Status status = challenge.waitForCompletion(VALIDATION_TIMEOUT);
                if (status != Status.VALID) {
                    String why = challenge.getError().map(p -> p.toString()).orElse("authorization " + status.name().toLowerCase());
                    throw new AcmeFailure("validation of " + domain + " failed: " + why);
                }
            }
            KeyPair domainKey = KeyPairUtils.createKeyPair(2048);
            progress.accept("finalizing the order");
            order.execute(domainKey);
            Status done = order.waitForCompletion(VALIDATION_TIMEOUT);
            if (done != Status.VALID) {
                throw new AcmeFailure("the order ended " + done.name().toLowerCase() + order.getError().map(p -> ": " + p).orElse(""));
            }
            StringWriter chain = new StringWriter();
            order.getCertificate().writeCertificate(chain);
            StringWriter key = new StringWriter();
            KeyPairUtils.writeKeyPair(domainKey, key);
            Certificates.install(siteDir, chain.toString(), key.toString());
        } catch (AcmeServerException e) {
            throw new AcmeFailure(directory + " said: " + e.getProblem());
        } catch (AcmeException e) {
            throw new AcmeFailure(directory + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeFailure("interrupted");
        } catch (IOException e) {
            throw new AcmeFailure("cannot write the challenge or the certificate: " + e.getMessage());
        } finally {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a stale token is harmless: it answers only its own challenge
                }
            }
        }
    }

    /** The account's key pair for this directory, made and kept 0600 the first time. */
    private KeyPair accountKey(String directory) throws IOException {
        byte[] id;
        try {
            id = java.security.MessageDigest.getInstance("SHA-256").digest(directory.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Path file = accountsDir.resolve("account-" + HexFormat.of().formatHex(id, 0, 8) + ".pem");
        if (Files.exists(file)) return KeyPairUtils.readKeyPair(new StringReader(Files.readString(file)));
        KeyPair pair = KeyPairUtils.createKeyPair(2048);
        StringWriter w = new StringWriter();
        KeyPairUtils.writeKeyPair(pair, w);
        PrivateFiles.directories(accountsDir);
        PrivateFiles.writeAtomically(file, w.toString().getBytes(StandardCharsets.US_ASCII));
        return pair;
    }

    /** The JDK's CAs, plus a private ACME server's when proxy.acme.trust names one. */
    private static SSLContext trust(Path pem) throws AcmeFailure {
        try {
            if (pem == null) return SSLContext.getDefault();
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(pem)) {
                int n = 0;
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) store.setCertificateEntry("ca" + n++, (X509Certificate) c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new AcmeFailure("cannot read proxy.acme.trust " + pem + ": " + e.getMessage());
        }
    }

    /** Any http(s) directory, with the TLS trust above. */
    private static final class Provider extends AbstractAcmeProvider {
        private final SSLContext tls;

        Provider(SSLContext tls) {
            this.tls = tls;
        }

        @Override public boolean accepts(URI uri) {
            return "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
        }

        @Override public URL resolve(URI uri) {
            try {
                return uri.toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(uri + ": " + e.getMessage(), e);
            }
        }

        @Override protected HttpConnector createHttpConnector(NetworkSettings settings) {
            return new HttpConnector(settings) {
                @Override public HttpClient.Builder createClientBuilder() {
                    return super.createClientBuilder().sslContext(tls);
                }
            };
        }
    }
}
