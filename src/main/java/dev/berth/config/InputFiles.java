package dev.berth.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The text of a UTF-8 file, decoded strictly: a Latin-1 file is reported, not read with replacement characters.
     *
     * @throws ConfigException one problem, at the line and column of the first byte that is not UTF-8
     */
    static String utf8(byte[] bytes, Path file) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        if (decoder.decode(in, out, true).isError()) {
            int at = in.position();
            int line = 1;
            int column = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    column = 1;
                } else if ((bytes[i] & 0xC0) != 0x80) {
                    column++;
                }
            }
            throw new ConfigException(List.of(new ConfigProblem(file, line, column, null,
                    String.format(Locale.ROOT, "not a UTF-8 text file: the byte 0x%02X here is not UTF-8", bytes[at] & 0xFF))));
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
