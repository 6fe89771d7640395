package dev.berth.monitor.probe;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Asks the JDK's default trust manager whether it trusts the server, and notes its answer
 * instead of failing the handshake, so that a certificate probe can still read the expiry of a
 * self-signed or otherwise untrusted certificate. Used only by {@link TlsProbe}, which sends
 * nothing over the connection.
 */
final class TrustRecorder extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdkDefault;
    private volatile String distrust;

    TrustRecorder() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null); // the JDK's default store (cacerts, or javax.net.ssl.trustStore)
        X509ExtendedTrustManager found = null;
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) found = x;
        }
        if (found == null) throw new GeneralSecurityException("the JDK has no X.509 trust manager");
        this.jdkDefault = found;
    }

    /** Why the JDK would have refused the server, or null when it trusts it. */
    String distrust() {
        return distrust;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        try {
            jdkDefault.checkServerTrusted(chain, authType, socket); // with the socket: checks the host name too
        } catch (CertificateException | RuntimeException e) {
            distrust = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        try {
            jdkDefault.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException | RuntimeException e) {
            distrust = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        try {
            jdkDefault.checkServerTrusted(chain, authType);
        } catch (CertificateException | RuntimeException e) {
            distrust = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a probe is never the server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a probe is never the server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a probe is never the server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdkDefault.getAcceptedIssuers();
    }
}
