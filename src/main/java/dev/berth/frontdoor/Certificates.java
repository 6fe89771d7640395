package dev.berth.frontdoor;

import dev.berth.config.ProxySpec;
import dev.berth.config.ProxySpec.Site;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * The certificates sites serve: the user's own files, or those Berth got from ACME, kept 0600
 * under BERTH_HOME/frontdoor/certificates/SITE/live/ (fullchain.pem, key.pem). `live` is a link to
 * one directory per issue, swapped at once: nginx (or a crash) never sees a chain beside a key
 * that is not its own.
 */
final class Certificates {
    private final Path dir;

    Certificates(Path dir) {
        this.dir = dir;
    }

    /** A site's certificate as it stands on disk, and when it expires. */
    record Held(Path chain, Path key, Instant notAfter, String subject) { }

    Path siteDir(Site site) {
        return dir.resolve(site.name());
    }

    /** What nginx serves for the site, or null while it has no certificate (an ACME site before its first order). */
    NginxConfig.Certificate forSite(Site site) {
        return switch (site.tls()) {
            case ProxySpec.NoTls n -> null;
            case ProxySpec.FileTls f -> new NginxConfig.Certificate(f.certificate(), f.key());
            case ProxySpec.AcmeTls a -> {
                Path chain = siteDir(site).resolve("live/fullchain.pem");
                Path key = siteDir(site).resolve("live/key.pem");
                yield Files.isRegularFile(chain) && Files.isRegularFile(key) ? new NginxConfig.Certificate(chain, key) : null;
            }
        };
    }

    /** The site's certificate with its expiry, or null when it has none (or it cannot be read). */
    Held held(Site site) {
        NginxConfig.Certificate c = forSite(site);
        if (c == null) return null;
        return read(c.chain()).map(x -> new Held(c.chain(), c.key(), x.getNotAfter().toInstant(), x.getSubjectX500Principal().getName()))
                .orElse(null);
    }

    /** Writes a new pair into a directory of its own, points `live` at it, and removes older pairs. */
    static void install(Path siteDir, String chainPem, String keyPem) throws java.io.IOException {
        dev.berth.files.PrivateFiles.directories(siteDir);
        Path version = dev.berth.files.PrivateFiles.directories(siteDir.resolve("v" + System.currentTimeMillis()));
        dev.berth.files.PrivateFiles.writeAtomically(version.resolve("key.pem"), keyPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        dev.berth.files.PrivateFiles.writeAtomically(version.resolve("fullchain.pem"), chainPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        dev.berth.files.PrivateFiles.replaceSymbolicLink(siteDir.resolve("live"), version.getFileName());
        try (var old = Files.newDirectoryStream(siteDir, "v[0-9]*")) {
            for (Path p : old) {
                if (p.equals(version)) continue;
                try (var files = Files.list(p)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(p);
            }
        }
    }

    /** The first (leaf) certificate of a PEM chain. */
    static Optional<X509Certificate> read(Path chain) {
        try (InputStream in = Files.newInputStream(chain)) {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException | CertificateException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
