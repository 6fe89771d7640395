package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.json.Json;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The off-site copy of backups, against a real S3-compatible server started by the test (S3Proxy,
 * from Maven Central, over jclouds' in-memory store) that checks SigV4 signatures, payload
 * SHA-256s and Content-MD5s as S3 does.
 */
class OffsiteIT extends BerthIT {
    private static final String BUCKET = "berth-test";
    private static final String ACCESS = "AKIDBERTHTEST";
    private static final String SECRET = "berth-offsite-secret-0123456789";

    private BlobStoreContext store;
    private BlobStore blobs;
    private S3Proxy s3;

    @BeforeEach void startS3() throws Exception {
        store = ContextBuilder.newBuilder("transient").credentials("x", "y").build(BlobStoreContext.class);
        blobs = store.getBlobStore();
        blobs.createContainerInLocation(null, BUCKET);
        s3 = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        s3.start();
        for (int i = 0; i < 500 && !"STARTED".equals(s3.getState()); i++) Thread.sleep(10);
        assertEquals("STARTED", s3.getState());
    }

    @AfterEach void stopS3() throws Exception {
        if (s3 != null) s3.stop();
        if (store != null) store.close();
    }

    private List<String> objects() {
        List<String> keys = new ArrayList<>();
        for (StorageMetadata m : blobs.list(BUCKET, org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive())) {
            if (m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) keys.add(m.getName());
        }
        return keys;
    }

    private String objectSha256(String key) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = blobs.getBlob(BUCKET, key).getPayload().openStream()) {
            sha.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> catalog() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : Json.readList(berth.ok("backup", "list", "files", "--json").out())) out.add((Map<String, Object>) o);
        return out;
    }

    private void writeEnv(String secret) throws Exception {
        Files.writeString(berth.project.resolve(".env.s3"), "S3_KEY=" + ACCESS + "\nS3_SECRET=" + secret + "\n");
    }

    @Test void archivesGoOffsiteVerifiedWithTheirOwnRetentionAndComeBack() throws Exception {
        Path uploads = Files.createDirectories(tmp.resolve("uploads"));
        Files.writeString(uploads.resolve("a.txt"), "first version");
        byte[] big = new byte[12 << 20]; // above part_size: a multipart upload of three parts
        new Random(7).nextBytes(big);
        Files.write(uploads.resolve("big.bin"), big);
        Path backups = tmp.resolve("backups");
        writeEnv(SECRET);
        berth.writeConfig("""
                backups:
                  files:
                    dir: %s
                    to: %s
                    compress: none
                    keep_last: 1
                    env_file: .env.s3
                    offsite:
                      endpoint: http://127.0.0.1:%d
                      bucket: %s
                      prefix: host1/files
                      access_key: ${S3_KEY}
                      secret_key: ${S3_SECRET}
                      part_size: 5M
                      keep_last: 2
                """.formatted(uploads, backups, s3.getPort(), BUCKET));

        BerthRun.Result first = berth.run("backup", "run", "files");
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("off-site copy s3://" + BUCKET + "/host1/files/"), first.toString());
        assertFalse(first.all().contains(SECRET), "the secret key is never printed");
        List<Map<String, Object>> c = catalog();
        assertEquals("uploaded", c.get(0).get("offsite"), c.toString());
        String key = String.valueOf(c.get(0).get("offsite_key"));
        assertEquals(List.of(key), objects());
        assertEquals(c.get(0).get("sha256"), objectSha256(key), "the object holds exactly the archive's bytes");

        Files.writeString(uploads.resolve("a.txt"), "second version");
        berth.ok("backup", "run", "files");
        Files.writeString(uploads.resolve("a.txt"), "third version");
        berth.ok("backup", "run", "files");

        // local retention keeps 1 archive, the off-site retention 2 copies
        c = catalog();
        assertEquals(3, c.size(), c.toString());
        assertEquals(List.of("succeeded", "pruned", "pruned"), c.stream().map(m -> m.get("state")).toList());
        assertEquals(List.of("uploaded", "uploaded", "removed"), c.stream().map(m -> m.get("offsite")).toList());
        assertEquals(2, objects().size(), objects().toString());
        assertFalse(objects().contains(key), "the oldest copy was removed by the off-site retention");

        // the second archive is only off-site now: verify and restore read it from there
        String second = String.valueOf(c.get(1).get("id"));
        BerthRun.Result v = berth.run("backup", "verify", second);
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().contains("off-site copy"), v.toString());
        BerthRun.Result drill = berth.run("backup", "verify", "files", "--offsite", "--restore");
        assertEquals(0, drill.exit(), drill.toString());
        assertTrue(drill.out().contains("2 file(s)"), drill.toString());

        BerthRun.Result back = berth.run("backup", "restore", second, "--yes", "--no-safety-backup");
        assertEquals(0, back.exit(), back.toString());
        assertEquals("second version", Files.readString(uploads.resolve("a.txt")));
        assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(uploads.resolve("big.bin"))));
        try (var left = Files.list(backups)) {
            assertEquals(1, left.count(), "the downloaded copy is removed after the restore; only the newest archive is here");
        }

        // a flipped byte in the off-site copy is caught by verify, and restore refuses it
        String secondKey = String.valueOf(c.get(1).get("offsite_key"));
        byte[] bytes;
        try (InputStream in = blobs.getBlob(BUCKET, secondKey).getPayload().openStream()) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 1;
        blobs.putBlob(BUCKET, blobs.blobBuilder(secondKey).payload(bytes).build());
        BerthRun.Result bad = berth.run("backup", "verify", second);
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.all().contains("MISMATCH"), bad.toString());
        BerthRun.Result refused = berth.run("backup", "restore", second, "--yes", "--no-safety-backup");
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.all().contains("differs from the catalog's checksum"), refused.toString());
        assertEquals("second version", Files.readString(uploads.resolve("a.txt")), "nothing was restored");
    }

    @Test void aFailedUploadFailsTheRunAndIsRetriedByTheNext() throws Exception {
        Path uploads = Files.createDirectories(tmp.resolve("uploads"));
        Files.writeString(uploads.resolve("a.txt"), "data");
        Path backups = tmp.resolve("backups");
        writeEnv("a-wrong-secret");
        berth.writeConfig("""
                backups:
                  files:
                    dir: %s
                    to: %s
                    env_file: .env.s3
                    offsite:
                      endpoint: http://127.0.0.1:%d
                      bucket: %s
                      access_key: ${S3_KEY}
                      secret_key: ${S3_SECRET}
                """.formatted(uploads, backups, s3.getPort(), BUCKET));

        BerthRun.Result failed = berth.run("backup", "run", "files");
        assertEquals(1, failed.exit(), "a failed upload is a failed run: " + failed);
        assertTrue(failed.all().contains("SignatureDoesNotMatch"), "the server's own error is shown: " + failed);
        assertFalse(failed.all().contains("a-wrong-secret"), failed.toString());
        List<Map<String, Object>> c = catalog();
        assertEquals("succeeded", c.get(0).get("state"), "the local archive is good");
        assertEquals("failed", c.get(0).get("offsite"), c.toString());
        assertTrue(objects().isEmpty());
        String events = BackupIT.sh("sqlite3", berth.home.resolve("state.db").toString(), "SELECT kind || ': ' || message FROM events WHERE app = 'backup:files'");
        assertTrue(events.contains("offsite_failed"), "an alert event is raised: " + events);

        // the next run (right secret) uploads its own archive and the one that failed
        writeEnv(SECRET);
        BerthRun.Result next = berth.run("backup", "run", "files");
        assertEquals(0, next.exit(), next.toString());
        c = catalog();
        assertEquals(List.of("uploaded", "uploaded"), c.stream().map(m -> m.get("offsite")).toList());
        assertEquals(2, objects().size());

        // an archive changed on disk after the run is never uploaded as if it were the one cataloged
        writeEnv("a-wrong-secret");
        assertEquals(1, berth.run("backup", "run", "files").exit());
        Path third = Path.of(String.valueOf(catalog().get(0).get("file")));
        byte[] archive = Files.readAllBytes(third);
        archive[archive.length / 2] ^= 1;
        Files.write(third, archive);
        writeEnv(SECRET);
        BerthRun.Result again = berth.run("backup", "run", "files");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("no longer matches its catalog checksum") || again.toString().contains("no longer matches"),
                "the retry says why it did not upload: " + again);
        assertEquals("failed", catalog().get(1).get("offsite"));
        assertEquals(3, objects().size(), objects().toString());
    }

    @Test void offsiteSettingsAreValidated() throws Exception {
        berth.writeConfig("""
                backups:
                  files:
                    dir: /tmp
                    offsite:
                      endpoint: ftp://example.com
                      bucket: UPPER
                      part_size: 1M
                      acces_key: x
                """);
        BerthRun.Result r = berth.run("validate");
        assertEquals(3, r.exit(), r.toString());
        String all = r.all();
        assertTrue(all.contains("backups.files.offsite.endpoint") && all.contains("expected an http:// or https:// URL"), all);
        assertTrue(all.contains("backups.files.offsite.bucket"), all);
        assertTrue(all.contains("backups.files.offsite.part_size") && all.contains("5M to 5G"), all);
        assertTrue(all.contains("did you mean \"access_key\""), all);
        assertTrue(all.contains("AWS_SECRET_ACCESS_KEY"), "a missing secret says where it is read from: " + all);
    }
}
