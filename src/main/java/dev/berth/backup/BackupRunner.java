package dev.berth.backup;

import dev.berth.config.BackupSpec;
import dev.berth.exec.Command;
import dev.berth.exec.Executables;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Input;
import dev.berth.exec.Output;
import dev.berth.exec.Pipeline;
import dev.berth.exec.PipelineResult;
import dev.berth.exec.ProgramNotFoundException;
import dev.berth.exec.RunningCommand;
import dev.berth.fault.CrashPoints;
import dev.berth.files.PrivateFiles;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Takes one backup: the dump tool's output streams through the compressor (zstd or gzip, as
 * their own processes, which use the other cores) into Berth, which hashes it (SHA-256) while
 * writing it to `.<name>.partial` in the target directory, syncs it, and renames it into place.
 * No uncompressed copy ever touches the disk. It counts as done only when every process of
 * the pipeline exited 0 and the file is on disk; otherwise the partial file is removed.
 */
public final class BackupRunner {
    /** A completed archive. */
    public record Archive(Path file, long bytes, String sha256, long millis, String toolVersion, String serverVersion) { }

    /** Told of the archive once it is complete and synced, before it is renamed into place. */
    @FunctionalInterface
    public interface BeforeRename {
        void record(Archive complete);
    }

    /** Below this much free space a dump does not start (or below 1.5x the last archive, when that is more). */
    static final long MIN_FREE_BYTES = 64L << 20;

    private BackupRunner() { }

    /**
     * beforeRename records the final name and checksum while the archive is still `.partial`: a
     * daemon killed right after the rename leaves a row that names the file, so the next one can
     * check it and adopt it (see BackupReconciler) instead of forgetting a finished backup.
     */
    public static Archive run(BackupSpec b, Path dir, long lastArchiveBytes, BeforeRename beforeRename) throws BackupException {
        long t0 = System.nanoTime();
        Engines.Dump dump = Engines.plan(b);
        try {
            PrivateFiles.directories(dir); // archives are databases: 0700, and the files 0600
        } catch (IOException e) {
            throw new BackupException("cannot create the backup directory " + dir + ": " + e.getMessage());
        }
        checkFreeSpace(dir, lastArchiveBytes);
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC);
        String stamp = String.format("%04d%02d%02d-%02d%02d%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond());
        String ext = "." + dump.extension() + switch (b.compress()) {
            case "zstd" -> ".zst";
            case "gzip" -> ".gz";
            default -> "";
        } + (b.encrypt() != null ? ".age" : "");
        // Two runs in one second get -2, -3...: a rename must never replace an archive.
        String name = b.name() + "-" + stamp + ext;
        for (int n = 2; Files.exists(dir.resolve(name)); n++) name = b.name() + "-" + stamp + "-" + n + ext;
        Path partial = dir.resolve("." + name + ".partial");
        Path target = dir.resolve(name);

        List<Command> stages = new ArrayList<>();
        stages.add(BackupTools.command(dump.argv(), dump.env()));
        compressArgv(b.compress()).ifPresent(argv -> stages.add(Command.of(argv)));
        // age, so that the standard tool decrypts it: `age -d -i key.txt file`
        if (b.encrypt() != null) stages.add(Command.of(ageArgv(b.encrypt().recipients())));
        Hasher sha = null;
        try {
            sha = Hasher.start();
            Hasher hasher = sha;
            long[] bytes = new long[1];
            stages.set(stages.size() - 1, stages.getLast().withOutput(Output.streamed(in -> bytes[0] = write(in, partial, hasher))));
            PipelineResult piped;
            try {
                // no time limit: a dump takes as long as the database is big
                piped = CommandRunner.local().run(Pipeline.of(stages, Command.UNLIMITED));
            } catch (ProgramNotFoundException e) {
                throw new BackupException("cannot start " + String.join(" | ", stages.stream().map(Command::program).toList())
                        + ": " + e.getMessage() + " (is it installed?)");
            }
            String sha256 = sha.finish();
            // no time limit but the one after the output ended (a tool that closed its output and hangs)
            if (piped.timedOut()) {
                String stuck = piped.stages().stream().filter(s -> s.exitCode() == -1).map(PipelineResult.Stage::program).findFirst()
                        .orElse(stages.get(0).program());
                throw new BackupException(stuck + " did not exit after its output ended");
            }
            Optional<PipelineResult.Stage> failed = piped.failed();
            if (failed.isPresent()) {
                throw new BackupException(failed.get().program() + " failed (exit " + failed.get().exitCode() + "): "
                        + BackupTools.lastLines(failed.get().errors(), 15));
            }
            Archive done = new Archive(target, bytes[0], sha256, (System.nanoTime() - t0) / 1_000_000, dump.toolVersion(), dump.serverVersion());
            beforeRename.record(done);
            CrashPoints.reach("backup.recorded");
            PrivateFiles.moveAtomically(partial, target); // the name is new: nothing is replaced
            CrashPoints.reach("backup.renamed");
            return done;
        } catch (StoreException e) {
            throw new BackupException("cannot record the archive in the catalog: " + e.getMessage());
        } catch (InterruptedIOException e) {
            throw new BackupException("interrupted");
        } catch (IOException e) {
            throw new BackupException("writing " + partial + " failed: " + e.getMessage());
        } finally {
            if (sha != null) sha.stop();
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // removed next time
            }
        }
    }

    /** The compressor as its own process (it uses the other cores); none for compress: none. */
    static Optional<List<String>> compressArgv(String compress) {
        return switch (compress) {
            case "zstd" -> Optional.of(List.of("zstd", "-q", "-c", "-T0", "-3"));
            case "gzip" -> Optional.of(List.of("gzip", "-c", "-6"));
            default -> Optional.empty();
        };
    }

    static List<String> ageArgv(List<String> recipients) {
        List<String> age = new ArrayList<>(List.of("age"));
        for (String r : recipients) age.addAll(List.of("-r", r));
        return age;
    }

    /**
     * Hashes and writes the archive as it comes, syncing as it goes, so the disk writes while the
     * dump runs and the last sync is short; on a thread of its own, so the pipe keeps flowing while
     * the disk catches up. Returns the bytes written.
     */
    private static long write(InputStream in, Path partial, Hasher sha) throws IOException {
        long bytes = 0;
        try (FileChannel out = PrivateFiles.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            long unsynced = 0;
            Future<?> syncing = null;
            try (var syncer = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    sha.update(buf, n);
                    out.write(ByteBuffer.wrap(buf, 0, n));
                    bytes += n;
                    unsynced += n;
                    if (unsynced >= 64L << 20 && (syncing == null || syncing.isDone())) {
                        if (syncing != null) finish(syncing);
                        syncing = syncer.submit(() -> {
                            out.force(false);
                            return null;
                        });
                        unsynced = 0;
                    }
                }
                if (syncing != null) finish(syncing);
            }
            out.force(true);
        }
        return bytes;
    }

    /** Waits for a background sync; its failure (a full or failing disk) is the run's. */
    private static void finish(Future<?> sync) throws IOException {
        try {
            sync.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while syncing");
        }
    }

    /**
     * SHA-256 of the stream. The daemon's JVM compiles with C1 only (for its footprint), where
     * Java's SHA-256 runs at about 100 MB/s: `openssl dgst` (SHA-NI, ten times that) hashes in
     * its own process when it is there; Java's MessageDigest otherwise.
     */
    private static final class Hasher {
        /** The checksum of what is written to its stdin, as "<hex> *stdin". */
        static final Command OPENSSL_SHA256 = Command.of("openssl", "dgst", "-sha256", "-r").withInput(Input.written())
                .withOutput(Output.captured(1024)).withTimeout(Command.UNLIMITED);

        private final RunningCommand openssl;
        private final OutputStream toOpenssl;
        private final MessageDigest md;

        private Hasher(RunningCommand openssl, MessageDigest md) {
            this.openssl = openssl;
            this.toOpenssl = openssl == null ? null : openssl.stdin();
            this.md = md;
        }

        static Hasher start() throws BackupException {
            if (Executables.onPath("openssl").isPresent()) {
                try {
                    return new Hasher(CommandRunner.local().start(OPENSSL_SHA256), null);
                } catch (IOException e) {
                    // fall back to Java
                }
            }
            try {
                return new Hasher(null, MessageDigest.getInstance("SHA-256"));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void stop() {
            if (openssl != null) openssl.kill();
        }

        void update(byte[] buf, int n) throws IOException {
            if (md != null) md.update(buf, 0, n);
            else toOpenssl.write(buf, 0, n);
        }

        String finish() throws IOException, BackupException {
            if (md != null) return HexFormat.of().formatHex(md.digest());
            CommandResult r = openssl.finish();
            String out = r.output().strip();
            if (!r.ok() || !out.matches("[0-9a-f]{64}\\b.*")) {
                throw new BackupException("openssl dgst did not give a checksum: " + out);
            }
            return out.substring(0, 64);
        }
    }

    private static void checkFreeSpace(Path dir, long lastArchiveBytes) throws BackupException {
        long need = Math.max(MIN_FREE_BYTES, lastArchiveBytes + lastArchiveBytes / 2);
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < need) {
                throw new BackupException("only " + (free >> 20) + " MB free in " + dir + "; a backup needs at least " + (need >> 20)
                        + " MB (1.5x the last archive, at least 64 MB): free some space or set another `to`");
            }
        } catch (IOException e) {
            throw new BackupException("cannot check free space in " + dir + ": " + e.getMessage());
        }
    }
}
