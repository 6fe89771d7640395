package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * admin: the dashboard's second listener, over TLS with the user's certificate: an address outside
 * its allow-list gets a bare 403, one inside gets the page and a Secure session cookie; the
 * listener follows edits of berth.yml; off 127.0.0.1 it cannot be had without TLS and an allow-list.
 */
class AdminListenerIT extends BerthIT {
    private HttpClient trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("admin", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(3)).build();
    }

    private String config(int appPort, int adminPort, String allow) {
        return """
                apps:
                  web: { script: $TESTAPPS/http_app.py, port: %d }
                admin:
                  listen: 127.0.0.1:%d
                  allow: [%s]
                  tls: { cert: cert.pem, key: key.pem }
                """.formatted(appPort, adminPort, allow);
    }

    @Test void anAllowListedTlsListenerFollowsBerthYml() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")
                .directory(berth.project.toFile()).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), said);
        int adminPort = BerthRun.freePort();
        int appPort = BerthRun.freePort();
        berth.writeConfig(config(appPort, adminPort, "10.0.0.0/8"));
        berth.ok("start");
        HttpClient http = trusting(berth.project.resolve("cert.pem"));
        URI page = URI.create("https://127.0.0.1:" + adminPort + "/");
        // 127.0.0.1 is not in 10.0.0.0/8: a bare 403
        BerthRun.await("the admin listener answers", Duration.ofSeconds(15), () -> status(http, page) == 403);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("", refused.body());

        berth.writeConfig(config(appPort, adminPort, "10.0.0.0/8, 127.0.0.1"));
        BerthRun.await("the listener takes the edited allow-list", Duration.ofSeconds(15), () -> status(http, page) == 200);
        HttpResponse<String> shown = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(shown.body().contains("/assets/app.js"), shown.body());
        String token = Files.readString(berth.home.resolve("token")).strip();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + adminPort + "/api/v1/session"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("token", token)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);

        // no admin: any more, no listener
        berth.writeConfig("apps:\n  web: { script: $TESTAPPS/http_app.py, port: %d }\n".formatted(appPort));
        BerthRun.await("the listener is closed", Duration.ofSeconds(15), () -> status(http, page) == -1);
    }

    @Test void offLoopbackItNeedsTlsAndAnAllowList() throws Exception {
        berth.writeConfig("""
                apps:
                  web: { script: $TESTAPPS/http_app.py }
                admin:
                  listen: 0.0.0.0:9443
                """);
        BerthRun.Result r = berth.run("validate");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.all().contains("admin.tls: is required off 127.0.0.1 (0.0.0.0)"), r.toString());
        assertTrue(r.all().contains("admin.allow: is required off 127.0.0.1"), r.toString());
        berth.writeConfig("""
                apps:
                  web: { script: $TESTAPPS/http_app.py }
                admin:
                  listen: example.com:9443
                """);
        assertTrue(berth.run("validate").all().contains("admin.listen: expected ADDRESS:PORT with an IP address"), "a name is refused");
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
