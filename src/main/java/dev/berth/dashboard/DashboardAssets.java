package dev.berth.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's page, script and style sheet, shipped in the jar (resources under /dashboard/)
 * and served by the daemon itself: nothing comes from a CDN. Each is read and gzipped once; a
 * browser revalidates it by ETag. The page may load only its own script and style (the CSP), may
 * not be framed, and sends no Referer.
 */
public final class DashboardAssets {
    /** What a page of the daemon may do: its own script, style and API, nothing else. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record Asset(String type, byte[] plain, byte[] gzipped, String etag) { }

    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    public DashboardAssets() {
        add("/", "index.html", "text/html; charset=utf-8");
        add("/assets/app.js", "app.js", "text/javascript; charset=utf-8");
        add("/assets/app.css", "app.css", "text/css; charset=utf-8");
    }

    private void add(String path, String resource, String type) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream("/dashboard/" + resource)) {
            if (in == null) throw new IllegalStateException("the jar lacks /dashboard/" + resource);
            byte[] plain = in.readAllBytes();
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
                z.write(plain);
            }
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain), 0, 8) + "\"";
            byPath.put(path, new Asset(type, plain, gz.toByteArray(), etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The compressed size of everything served (the budget is 300 KB). */
    public long compressedBytes() {
        return byPath.values().stream().mapToLong(a -> a.gzipped.length).sum();
    }

    /** Answers GET or HEAD of an asset's path; false when the path is not one (the API's routes go on). */
    public boolean answer(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        Asset a = byPath.get(ex.getRequestURI().getRawPath());
        if (a == null || !(method.equals("GET") || method.equals("HEAD"))) return false;
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Type", a.type);
            h.set("Cache-Control", "no-cache");
            h.set("ETag", a.etag);
            h.set("Vary", "Accept-Encoding");
            securityHeaders(h);
            if (a.etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.sendResponseHeaders(304, -1);
                return true;
            }
            String accept = ex.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = accept != null && accept.contains("gzip");
            byte[] body = gzip ? a.gzipped : a.plain;
            if (gzip) h.set("Content-Encoding", "gzip");
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return true;
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        return true;
    }

    /** The headers every answer of the daemon carries (the API's JSON too). */
    public static void securityHeaders(com.sun.net.httpserver.Headers h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
    }
}
