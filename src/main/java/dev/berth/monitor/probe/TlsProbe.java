package dev.berth.monitor.probe;

import dev.berth.http.FailureText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Connects with TLS, reads the server's certificate chain and judges the days left until the
 * leaf certificate's notAfter.
 *
 * <p>The days are read even from a self-signed or otherwise untrusted certificate: the
 * handshake asks the JDK's default trust store, with the host name check, and notes its answer
 * rather than stopping at it. An untrusted chain is then at least WARNING, with the JDK's
 * reason in the message. An expired certificate, or a handshake that fails, is CRITICAL.
 *
 * @param daysLeft limits on the days left; lower is worse; warning 14, critical 7 when null
 * @param connect  the address connected to instead of host (host is then the name asked for and checked), or null
 */
public record TlsProbe(String host, int port, Thresholds daysLeft, String connect) implements Probe {
    public TlsProbe(String host, int port, Thresholds daysLeft) {
        this(host, port, daysLeft, null);
    }


    public static final Thresholds DEFAULT_DAYS_LEFT = Thresholds.below(14.0, 7.0);
    private static final double MILLIS_PER_DAY = 86_400_000.0;

    public TlsProbe {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535, not " + port);
        daysLeft = daysLeft == null ? DEFAULT_DAYS_LEFT : daysLeft;
        if (daysLeft.higherIsWorse()) throw new IllegalArgumentException("days left: lower is worse");
    }

    @Override
    public ProbeResult run(Duration timeout) {
        return BoundedCall.run(timeout, () -> inspect(timeout));
    }

    private ProbeResult inspect(Duration timeout) throws GeneralSecurityException {
        long t0 = System.nanoTime();
        String where = host + ":" + port + (connect == null ? "" : " (at " + connect + ")");
        TrustRecorder trust = new TrustRecorder();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
        int millis = (int) Math.max(1, timeout.toMillis());
        X509Certificate leaf;
        try (Socket raw = new Socket()) {
            try {
                raw.connect(new InetSocketAddress(connect != null ? connect : host, port), millis);
            } catch (IOException e) {
                return ProbeResult.failed("cannot connect to " + where + ": " + FailureText.describe(e), BoundedCall.elapsedMillis(t0));
            }
            raw.setSoTimeout(millis);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, false)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // host name check, as a browser does
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                Certificate[] chain = tls.getSession().getPeerCertificates();
                if (chain.length == 0 || !(chain[0] instanceof X509Certificate first)) {
                    return ProbeResult.failed(where + " sent no X.509 certificate", BoundedCall.elapsedMillis(t0));
                }
                leaf = first;
            }
        } catch (IOException e) {
            return ProbeResult.failed("TLS handshake with " + where + " failed: " + FailureText.describe(e),
                    BoundedCall.elapsedMillis(t0));
        }
        long took = BoundedCall.elapsedMillis(t0);
        Instant notAfter = leaf.getNotAfter().toInstant();
        double days = (notAfter.toEpochMilli() - System.currentTimeMillis()) / MILLIS_PER_DAY;
        String untrusted = trust.distrust() == null ? ""
                : "; not trusted by the JDK's default trust store: " + Quantities.clip(trust.distrust(), 200);
        if (days <= 0) {
            return new ProbeResult(CheckState.CRITICAL, days, "days", "certificate of " + where + " expired "
                    + Quantities.format(-days, "days") + " ago, on " + notAfter + " (critical)" + untrusted, took);
        }
        CheckState byDays = daysLeft.state(days);
        CheckState state = trust.distrust() == null ? byDays : CheckState.worst(byDays, CheckState.WARNING);
        String message = "certificate of " + where + " expires in " + Quantities.format(days, "days") + " "
                + daysLeft.verdict(days, "days") + ", on " + notAfter + untrusted
                + (state != byDays ? " (" + state.label() + ")" : "");
        return new ProbeResult(state, days, "days", message, took);
    }
}
