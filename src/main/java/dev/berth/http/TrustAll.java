package dev.berth.http;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any server certificate and any host name: for HTTP checks with tls_verify off, where
 * the user asked for it (self-signed internal endpoints). Being an extended trust manager that
 * checks nothing, it also turns off the host name check that the HTTPS endpoint identification
 * would otherwise do.
 */
final class TrustAll extends X509ExtendedTrustManager {

    static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
