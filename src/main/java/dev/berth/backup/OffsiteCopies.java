package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.files.PrivateFiles;
import dev.berth.store.BackupCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The off-site copies of a backup's archives in an S3-compatible bucket: upload (verified),
 * retention, and reading a copy back for verify and restore. The catalog says which archive has
 * a copy: an archive counts as copied only after the server accepted every byte with the
 * checksums sent and a HEAD shows the object at its full size.
 */
final class OffsiteCopies {
    /** Earlier archives whose upload failed are tried again after each run, at most this many at a time. */
    private static final int RETRIES_PER_RUN = 3;

    private final BackupCatalog catalog;
    private final ArchivesInUse inUse;

    OffsiteCopies(BackupCatalog catalog, ArchivesInUse inUse) {
        this.catalog = catalog;
        this.inUse = inUse;
    }

    /** Uploads archive #id and records the outcome; the exception says why it is not off-site. */
    String upload(BackupSpec b, long id, Path file, String sha256, long bytes) throws BackupException {
        BackupSpec.Offsite target = b.offsite();
        S3Client s3 = new S3Client(target);
        String key = target.prefix() + file.getFileName();
        try {
            catalog.offsite(id, "uploading", key, null); // a daemon killed during the upload leaves this: the next one marks it failed, to retry
            long onDisk = Files.size(file);
            if (onDisk != bytes) {
                throw new IOException("the archive " + file + " is " + onDisk + " bytes, the catalog says " + bytes + ": not uploading it");
            }
            s3.upload(file, key, sha256, bytes);
            S3Client.Head head = s3.head(key);
            if (head == null) throw new IOException("after the upload, " + s3.where(key) + " is not there");
            if (head.bytes() != bytes) throw new IOException("after the upload, " + s3.where(key) + " holds " + head.bytes() + " bytes, not " + bytes);
            catalog.offsite(id, "uploaded", key, null);
            return key;
        } catch (IOException e) {
            String error = "upload to " + s3.where(key) + " failed: " + e.getMessage();
            catalog.offsite(id, "failed", key, error);
            throw new BackupException(error);
        }
    }

    /** Uploads earlier archives of b whose upload failed and which are still on this machine. */
    List<OffsiteRetry> retryFailed(BackupSpec b) {
        List<OffsiteRetry> out = new ArrayList<>();
        for (BackupCatalog.Entry e : catalog.list(b.name(), 200)) {
            if (out.size() >= RETRIES_PER_RUN) break;
            if (!"failed".equals(e.offsiteState()) || !e.local() || !Files.isRegularFile(Path.of(e.file()))) continue;
            try {
                out.add(new OffsiteRetry(e.id(), upload(b, e.id(), Path.of(e.file()), e.sha256(), e.bytes()), null));
            } catch (BackupException x) {
                out.add(new OffsiteRetry(e.id(), null, x.getMessage()));
            }
        }
        return out;
    }

    /** Applies the off-site retention (the newest copy always stays); with dryRun only says what goes. */
    List<PrunedArchive> prune(BackupSpec b, boolean dryRun) {
        List<PrunedArchive> out = new ArrayList<>();
        if (b.offsite() == null) return out;
        List<BackupCatalog.Entry> all = catalog.list(b.name(), 100000);
        List<BackupCatalog.Entry> copies = all.stream().filter(BackupCatalog.Entry::offsite).toList();
        if (!dryRun) {
            // copies a daemon killed while it removed them: S3's DELETE can be sent again
            for (BackupCatalog.Entry e : all) {
                if (!"removing".equals(e.offsiteState())) continue;
                try {
                    new S3Client(b.offsite()).delete(e.offsiteKey());
                    catalog.offsite(e.id(), "removed", null, null);
                } catch (IOException x) {
                    // tried again at the next prune
                }
            }
        }
        List<Retention.Archive> archives = copies.stream().map(e -> new Retention.Archive(e.id(), Instant.ofEpochMilli(e.startedAt()), e.safety())).toList();
        List<Long> remove = Retention.toRemove(archives, b.offsite().keep(), Instant.now());
        S3Client s3 = remove.isEmpty() || dryRun ? null : new S3Client(b.offsite());
        for (BackupCatalog.Entry e : copies) {
            // a copy a restore or verify is reading stays until it is done
            if (!remove.contains(e.id()) || inUse.isHeld(e.id())) continue;
            String error = null;
            if (!dryRun) {
                try {
                    boolean removed = inUse.removeUnlessHeld(e.id(), () -> {
                        // 'removing' first: a daemon killed before the DELETE leaves a row the next prune finishes,
                        // never an 'uploaded' row whose object is gone
                        catalog.offsite(e.id(), "removing", null, null);
                        s3.delete(e.offsiteKey());
                        catalog.offsite(e.id(), "removed", null, null);
                    });
                    if (!removed) continue;
                } catch (IOException x) {
                    error = "cannot delete: " + x.getMessage();
                }
            }
            out.add(new PrunedArchive(e.id(), e.name(), true, "s3://" + b.offsite().bucket() + "/" + e.offsiteKey(), error));
        }
        return out;
    }

    /** The SHA-256 of the off-site copy of e, read from the bucket without writing it to disk. */
    String sha256(BackupSpec b, BackupCatalog.Entry e) throws BackupException {
        S3Client s3 = new S3Client(b.offsite());
        MessageDigest sha = S3Client.digest("SHA-256");
        try (InputStream in = s3.get(e.offsiteKey())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        } catch (IOException x) {
            throw new BackupException("cannot read " + s3.where(e.offsiteKey()) + ": " + x.getMessage());
        }
        return S3Client.hex(sha.digest());
    }

    /**
     * Downloads the off-site copy of e into dir under a temporary name and checks it against the
     * catalog's SHA-256; the caller deletes the file. A copy that differs is deleted and refused.
     */
    Path download(BackupSpec b, BackupCatalog.Entry e, Path dir) throws BackupException {
        S3Client s3 = new S3Client(b.offsite());
        Path tmp = dir.resolve(".download-" + e.id() + "-" + Long.toHexString(System.nanoTime()) + ".partial");
        MessageDigest sha = S3Client.digest("SHA-256");
        try {
            PrivateFiles.directories(dir);
            try (InputStream in = s3.get(e.offsiteKey());
                 OutputStream out = Channels.newOutputStream(
                         PrivateFiles.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            String sum = S3Client.hex(sha.digest());
            if (!sum.equals(e.sha256())) {
                throw new BackupException("the off-site copy " + s3.where(e.offsiteKey()) + " differs from the catalog's checksum ("
                        + sum + " instead of " + e.sha256() + "): not using it");
            }
            return tmp;
        } catch (IOException x) {
            deleteQuietly(tmp);
            throw new BackupException("cannot download " + s3.where(e.offsiteKey()) + ": " + x.getMessage());
        } catch (BackupException x) {
            deleteQuietly(tmp);
            throw x;
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file; BackupService removes stale .partial files before the next run
        }
    }
}
