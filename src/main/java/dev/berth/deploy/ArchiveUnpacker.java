package dev.berth.deploy;

import static dev.berth.deploy.SourceTools.reason;
import static dev.berth.deploy.SourceTools.run;
import static dev.berth.deploy.SourceTools.said;

import dev.berth.deploy.SourceTools.Finished;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An archive source: a .tar.gz unpacked with tar, a .zip unpacked here (every entry checked
 * against zip-slip before the first is written), a .jar copied as it is.
 */
final class ArchiveUnpacker {
    private static final String SUPPORTED_ARCHIVES = ".tar.gz, .tgz, .zip or .jar";

    private ArchiveUnpacker() { }

    enum ArchiveKind { TAR_GZ, ZIP, JAR }

    static ArchiveKind kind(Path file) throws DeployException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ArchiveKind kind;
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            kind = ArchiveKind.TAR_GZ;
        } else if (name.endsWith(".zip")) {
            kind = ArchiveKind.ZIP;
        } else if (name.endsWith(".jar")) {
            kind = ArchiveKind.JAR;
        } else {
            throw new DeployException("archive: " + file + " is not a supported archive: expected a " + SUPPORTED_ARCHIVES + " file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DeployException("archive: " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        return kind;
    }

    static void unpack(Path file, Path target, Duration timeout, Consumer<String> log) throws DeployException {
        switch (kind(file)) {
            case TAR_GZ -> {
                log.accept("archive: unpacking " + file);
                Finished tar = run(List.of("tar", "-xzf", file.toString(), "--no-same-owner", "-C", target.toString()), timeout,
                        "tar -xzf " + file.getFileName());
                if (!tar.ok()) {
                    throw new DeployException("archive: cannot unpack " + file + " (tar exited " + tar.exitCode() + ")"
                            + said("tar", tar.stderr()));
                }
            }
            case ZIP -> {
                log.accept("archive: unpacking " + file);
                unzip(file, target, log);
            }
            case JAR -> {
                log.accept("archive: copying " + file.getFileName());
                try {
                    Files.copy(file, target.resolve(file.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new DeployException("archive: cannot copy " + file + " into " + target + ": " + reason(e), e);
                }
            }
        }
    }

    private static void unzip(Path file, Path target, Consumer<String> log) throws DeployException {
        Path root = target.toAbsolutePath().normalize();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            // every entry is checked before the first is written, so a refused archive leaves nothing behind
            Map<ZipEntry, Path> places = new LinkedHashMap<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                Path place;
                try {
                    place = root.resolve(entry.getName()).normalize();
                } catch (InvalidPathException e) {
                    throw new DeployException("archive: " + file + " has an entry with an impossible name \"" + entry.getName() + "\"");
                }
                if (!place.startsWith(root) || (place.equals(root) && !entry.isDirectory())) {
                    throw new DeployException("archive: " + file + " is refused: its entry \"" + entry.getName()
                            + "\" would be written outside the release directory (zip-slip)");
                }
                places.put(entry, place);
            }
            Map<String, Integer> modes = unixModes(file);
            Map<Path, Set<PosixFilePermission>> directoryModes = new HashMap<>();
            int symlinks = 0;
            for (Map.Entry<ZipEntry, Path> e : places.entrySet()) {
                ZipEntry entry = e.getKey();
                Path place = e.getValue();
                Integer mode = modes.get(entry.getName());
                if (mode != null && (mode & 0170000) == 0120000) {
                    // a link made from the archive could point the next entries outside the release
                    symlinks++;
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(place);
                    if (permissions(mode) != null) directoryModes.put(place, permissions(mode));
                    continue;
                }
                Files.createDirectories(place.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, place, StandardCopyOption.REPLACE_EXISTING);
                }
                if (permissions(mode) != null) Files.setPosixFilePermissions(place, permissions(mode));
            }
            for (Map.Entry<Path, Set<PosixFilePermission>> d : directoryModes.entrySet()) {
                Files.setPosixFilePermissions(d.getKey(), d.getValue());
            }
            if (symlinks > 0) log.accept("archive: skipped " + symlinks + " symbolic link(s) in the zip (a .tar.gz keeps them)");
        } catch (ZipException e) {
            throw new DeployException("archive: " + file + " is not a readable zip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeployException("archive: cannot unpack " + file + " into " + target + ": " + reason(e), e);
        }
    }

    /** Permission bits of a zip entry's unix mode, or null when it holds none worth keeping. */
    private static Set<PosixFilePermission> permissions(Integer mode) {
        // an owner who cannot read is what a zip tool that stores no mode leaves: keep the default then
        if (mode == null || (mode & 0400) == 0) return null;
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) set.add(bits[i]);
        }
        return set;
    }

    /**
     * The unix modes that zip tools on unix keep in the central directory (java.util.zip does not
     * expose them), by entry name. Best effort: empty for a zip64 or an odd archive, whose files then
     * get the default permissions.
     */
    private static Map<String, Integer> unixModes(Path file) {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            int tailLength = (int) Math.min(size, 22 + 0xFFFF);
            ByteBuffer tail = ByteBuffer.allocate(tailLength).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, tail, size - tailLength);
            int end = -1;
            for (int i = tailLength - 22; i >= 0; i--) {
                if (tail.getInt(i) == 0x06054b50) {
                    end = i;
                    break;
                }
            }
            if (end < 0) return Map.of();
            long directorySize = Integer.toUnsignedLong(tail.getInt(end + 12));
            long directoryOffset = Integer.toUnsignedLong(tail.getInt(end + 16));
            if (directorySize == 0xFFFFFFFFL || directoryOffset == 0xFFFFFFFFL || directoryOffset + directorySize > size
                    || directorySize > Integer.MAX_VALUE) {
                return Map.of();
            }
            ByteBuffer dir = ByteBuffer.allocate((int) directorySize).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, dir, directoryOffset);
            Map<String, Integer> modes = new HashMap<>();
            for (int at = 0; at + 46 <= directorySize && dir.getInt(at) == 0x02014b50; ) {
                int madeBy = Short.toUnsignedInt(dir.getShort(at + 4)) >> 8;
                int nameLength = Short.toUnsignedInt(dir.getShort(at + 28));
                int extraLength = Short.toUnsignedInt(dir.getShort(at + 30));
                int commentLength = Short.toUnsignedInt(dir.getShort(at + 32));
                int external = dir.getInt(at + 38);
                if (at + 46 + nameLength > directorySize) break;
                if (madeBy == 3) { // unix
                    byte[] name = new byte[nameLength];
                    dir.get(at + 46, name);
                    modes.put(new String(name, StandardCharsets.UTF_8), external >>> 16);
                }
                at += 46 + nameLength + extraLength + commentLength;
            }
            return modes;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into, position + into.position()) < 0) throw new IOException("unexpected end of file");
        }
    }
}
