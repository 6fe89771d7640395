package dev.berth.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the files a user hands Berth (berth.yml, env files, a PM2 ecosystem file) with a size limit, checked
 * before anything is read: a file of gigabytes, or a device that never ends, is refused instead of filling the heap.
 */
public final class InputFiles {
    /** The most bytes Berth reads of one input file; the largest real berth.yml or .env is a few kilobytes. */
    public static final int MAX_BYTES = 1 << 20;

    /** The file is bigger than {@link #MAX_BYTES}. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        private final String reason;

        TooLarge(Path file, long size) {
            this(file, (size > MAX_BYTES ? String.format(Locale.ROOT, "is %,d bytes, more", size) : "has more")
                    + String.format(Locale.ROOT, " than the 1 MiB (%,d bytes) Berth reads of an input file", MAX_BYTES));
        }

        private TooLarge(Path file, String reason) {
            super(file + " " + reason);
            this.reason = reason;
        }

        /** What is wrong, without the file's name: "is 2,147,483,653 bytes, more than ...". */
        public String reason() {
            return reason;
        }
    }

    private InputFiles() { }

    /**
     * The bytes of the file, read only when it has at most {@link #MAX_BYTES} (a file whose size the system
     * does not know, like one in /proc or a pipe, is read up to one byte past the limit).
     *
     * @throws TooLarge the file has more
     */
    public static byte[] read(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            long size = Files.size(file);
            if (size > MAX_BYTES) throw new TooLarge(file, size);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) throw new TooLarge(file, -1);
            return bytes;
        }
    }
}
