package dev.berth.backup;

import dev.berth.config.BackupSpec;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The few S3 calls an off-site copy needs (put, multipart upload, head, get, delete), signed
 * with AWS Signature Version 4, on the JDK's HTTP client. Works with AWS S3, MinIO and Tencent
 * COS. A small client instead of an SDK keeps the daemon small (the AWS SDK alone is tens of
 * megabytes of classes).
 *
 * <p>Every request carries the payload's SHA-256 in x-amz-content-sha256 (covered by the
 * signature) and every upload its Content-MD5, so the server rejects a body that changed on
 * the way; after an upload the object's ETag is compared with the MD5s sent.
 */
final class S3Client {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern XML_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final Pattern XML_UPLOAD_ID = Pattern.compile("<UploadId>([^<]*)</UploadId>");
    private static final Pattern XML_ETAG = Pattern.compile("<ETag>([^<]*)</ETag>");

    private final BackupSpec.Offsite target;
    private final HttpClient http;

    S3Client(BackupSpec.Offsite target) {
        this.target = target;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** What an upload left on the server. */
    record Uploaded(String key, long bytes, String etag) { }

    /**
     * Uploads a file as key: one PUT up to the part size, a multipart upload above it (a failed
     * part is retried alone). The file's SHA-256 is stored as the object's x-amz-meta-sha256.
     */
    Uploaded upload(Path file, String key, String sha256, long size) throws IOException {
        long part = target.partSize();
        if (size <= part) {
            MessageDigest all = digest("SHA-256");
            Range whole = Range.of(file, 0, size, all);
            sameAsCatalog(all, sha256, file);
            Map<String, String> headers = new TreeMap<>();
            headers.put("content-md5", Base64.getEncoder().encodeToString(whole.md5));
            headers.put("x-amz-meta-sha256", sha256);
            HttpResponse<String> r = withRetries(() -> send("PUT", key, Map.of(), headers, whole.sha256Hex, file, 0, size));
            expectOk(r, "PUT " + key);
            String etag = etag(r.headers().firstValue("etag").orElse(""));
            checkEtag(etag, HexFormat.of().formatHex(whole.md5), key);
            return new Uploaded(key, size, etag);
        }
        Map<String, String> create = new TreeMap<>();
        create.put("x-amz-meta-sha256", sha256);
        HttpResponse<String> c = send("POST", key, Map.of("uploads", ""), create, EMPTY_SHA256, null, 0, 0);
        expectOk(c, "starting a multipart upload of " + key);
        String uploadId = first(XML_UPLOAD_ID, c.body());
        if (uploadId == null) throw new IOException("the server started no multipart upload of " + key + ": " + c.body());
        try {
            List<String> etags = new ArrayList<>();
            MessageDigest md5s = digest("MD5");
            MessageDigest all = digest("SHA-256");
            int n = 0;
            for (long offset = 0; offset < size; offset += part) {
                n++;
                long len = Math.min(part, size - offset);
                Range range = Range.of(file, offset, len, all);
                md5s.update(range.md5);
                Map<String, String> headers = new TreeMap<>();
                headers.put("content-md5", Base64.getEncoder().encodeToString(range.md5));
                Map<String, String> query = Map.of("partNumber", Integer.toString(n), "uploadId", uploadId);
                long off = offset;
                HttpResponse<String> r = withRetries(() -> send("PUT", key, query, headers, range.sha256Hex, file, off, len));
                expectOk(r, "PUT part " + n + " of " + key);
                String etag = etag(r.headers().firstValue("etag").orElse(""));
                checkEtag(etag, HexFormat.of().formatHex(range.md5), key + " part " + n);
                etags.add(etag);
            }
            sameAsCatalog(all, sha256, file); // before completing: a changed archive never becomes the off-site copy
            StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
            for (int i = 0; i < etags.size(); i++) {
                xml.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>\"").append(etags.get(i)).append("\"</ETag></Part>");
            }
            xml.append("</CompleteMultipartUpload>");
            byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> done = send("POST", key, Map.of("uploadId", uploadId), new TreeMap<>(), hex(digest("SHA-256").digest(body)), body);
            expectOk(done, "completing the multipart upload of " + key);
            if (done.body().contains("<Error>")) throw new IOException("completing the multipart upload of " + key + " failed: " + describe(done.body()));
            String etag = etag(first(XML_ETAG, done.body()) == null ? "" : first(XML_ETAG, done.body()).replace("&quot;", "\""));
            checkEtag(etag, hex(md5s.digest()) + "-" + n, key);
            uploadId = null;
            return new Uploaded(key, size, etag);
        } finally {
            if (uploadId != null) {
                try {
                    send("DELETE", key, Map.of("uploadId", uploadId), new TreeMap<>(), EMPTY_SHA256, null, 0, 0);
                } catch (IOException ignored) {
                    // the upload already failed; a stale multipart upload is the server's lifecycle rules' business
                }
            }
        }
    }

    /** The object's size and stored SHA-256, or null when it is not there. */
    Head head(String key) throws IOException {
        HttpResponse<String> r = send("HEAD", key, Map.of(), new TreeMap<>(), EMPTY_SHA256, null, 0, 0);
        if (r.statusCode() == 404) return null;
        expectOk(r, "HEAD " + key);
        return new Head(r.headers().firstValueAsLong("content-length").orElse(-1), r.headers().firstValue("x-amz-meta-sha256").orElse(null));
    }

    record Head(long bytes, String sha256) { }

    /** The object's bytes; the caller closes the stream. */
    InputStream get(String key) throws IOException {
        HttpRequest request = signed("GET", key, Map.of(), new TreeMap<>(), EMPTY_SHA256, HttpRequest.BodyPublishers.noBody(), Duration.ofHours(6));
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (r.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            throw new IOException("GET " + key + ": HTTP " + r.statusCode() + " " + describe(body));
        }
        return r.body();
    }

    void delete(String key) throws IOException {
        HttpResponse<String> r = send("DELETE", key, Map.of(), new TreeMap<>(), EMPTY_SHA256, null, 0, 0);
        if (r.statusCode() != 404) expectOk(r, "DELETE " + key);
    }

    /** Where an object lives, for messages: endpoint, bucket and key, never a credential. */
    String where(String key) {
        return "s3://" + target.bucket() + "/" + key + " at " + target.endpoint();
    }

    // ---- requests

    private interface Call {
        HttpResponse<String> call() throws IOException;
    }

    /** A network error or a 5xx is tried again twice, after 1 s and 4 s; a 4xx is final. */
    private static HttpResponse<String> withRetries(Call call) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(attempt == 1 ? 1000 : 4000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            try {
                HttpResponse<String> r = call.call();
                if (r.statusCode() < 500) return r;
                last = new IOException("HTTP " + r.statusCode() + " " + describe(r.body()));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private HttpResponse<String> send(String method, String key, Map<String, String> query, Map<String, String> headers,
                                      String payloadSha256, Path file, long offset, long length) throws IOException {
        HttpRequest.BodyPublisher body = file == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> openRange(file, offset, length)), length);
        return exchange(signed(method, key, query, headers, payloadSha256, body, Duration.ofMinutes(30)), method + " " + key);
    }

    private HttpResponse<String> send(String method, String key, Map<String, String> query, Map<String, String> headers,
                                      String payloadSha256, byte[] bytes) throws IOException {
        return exchange(signed(method, key, query, headers, payloadSha256, HttpRequest.BodyPublishers.ofByteArray(bytes), Duration.ofMinutes(5)),
                method + " " + key);
    }

    private HttpResponse<String> exchange(HttpRequest request, String what) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new IOException(what + " to " + target.endpoint() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private static InputStream openRange(Path file, long offset, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return new FilterInputStream(in) {
                long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) return -1;
                    int b = super.read();
                    if (b >= 0) left--;
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) left -= n;
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request with its SigV4 Authorization header. */
    HttpRequest signed(String method, String key, Map<String, String> query, Map<String, String> extraHeaders,
                       String payloadSha256, HttpRequest.BodyPublisher body, Duration timeout) {
        URI endpoint = target.endpoint();
        String host = endpoint.getHost();
        String authority = endpoint.getPort() < 0 ? host : host + ":" + endpoint.getPort();
        String basePath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        String path;
        if (target.pathStyle()) {
            path = basePath + "/" + encodePath(target.bucket()) + "/" + encodePath(key);
        } else {
            authority = target.bucket() + "." + authority;
            path = basePath + "/" + encodePath(key);
        }
        TreeMap<String, String> q = new TreeMap<>();
        query.forEach((k, v) -> q.put(encode(k), encode(v)));
        StringBuilder canonicalQuery = new StringBuilder();
        q.forEach((k, v) -> canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&").append(k).append('=').append(v));

        String amzDate = ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE);
        String day = amzDate.substring(0, 8);
        TreeMap<String, String> headers = new TreeMap<>();
        headers.put("host", authority);
        headers.put("x-amz-content-sha256", payloadSha256);
        headers.put("x-amz-date", amzDate);
        extraHeaders.forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        StringBuilder canonicalHeaders = new StringBuilder();
        headers.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v.strip()).append('\n'));
        String signedHeaders = String.join(";", headers.keySet());
        String canonicalRequest = method + "\n" + path + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadSha256;
        String scope = day + "/" + target.region() + "/s3/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(digest("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] k = hmac(("AWS4" + target.secretKey()).getBytes(StandardCharsets.UTF_8), day);
        k = hmac(k, target.region());
        k = hmac(k, "s3");
        k = hmac(k, "aws4_request");
        String signature = hex(hmac(k, stringToSign));

        URI uri = URI.create(endpoint.getScheme() + "://" + authority + path + (canonicalQuery.isEmpty() ? "" : "?" + canonicalQuery));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body);
        headers.forEach((name, v) -> {
            if (!name.equals("host")) b.header(name, v);
        });
        b.header("Authorization", "AWS4-HMAC-SHA256 Credential=" + target.accessKey() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
        return b.build();
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX (what SigV4 wants). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String encodePath(String key) {
        return encode(key).replace("%2F", "/");
    }

    // ---- checks

    private static void sameAsCatalog(MessageDigest read, String catalogSha256, Path file) throws IOException {
        String sum = hex(read.digest());
        if (!sum.equals(catalogSha256)) {
            throw new IOException("the archive " + file + " no longer matches its catalog checksum (" + sum + " instead of " + catalogSha256 + "): not uploading it");
        }
    }

    private void expectOk(HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException(what + " to " + target.endpoint() + ": HTTP " + r.statusCode() + " " + describe(r.body()));
        }
    }

    private static void checkEtag(String etag, String expected, String what) throws IOException {
        // SSE-KMS objects have ETags that are not MD5s: only a 32-hex (or multipart) ETag can be compared
        if (etag.matches("[0-9a-f]{32}(-\\d+)?") && !etag.equals(expected)) {
            throw new IOException("the server's checksum of " + what + " (ETag " + etag + ") differs from the bytes sent (" + expected + ")");
        }
    }

    private static String etag(String raw) {
        return raw.replace("\"", "").strip().toLowerCase(Locale.ROOT);
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text == null ? "" : text);
        return m.find() ? m.group(1) : null;
    }

    /** An S3 error body in one line: its Code and Message, or the start of the body. */
    static String describe(String body) {
        if (body == null || body.isBlank()) return "";
        String code = first(XML_CODE, body);
        String message = first(XML_MESSAGE, body);
        if (code != null) return code + (message == null ? "" : ": " + message);
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }

    // ---- digests

    /** A byte range of a file with its MD5 and SHA-256, read once before it is sent. */
    private record Range(byte[] md5, String sha256Hex) {
        static Range of(Path file, long offset, long length, MessageDigest whole) throws IOException {
            MessageDigest md5 = digest("MD5");
            MessageDigest sha = digest("SHA-256");
            try (InputStream in = openRange(file, offset, length)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md5.update(buf, 0, n);
                    sha.update(buf, 0, n);
                    whole.update(buf, 0, n);
                }
            }
            return new Range(md5.digest(), hex(sha.digest()));
        }
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
