package dev.berth.frontdoor;

import dev.berth.exec.Command;
import dev.berth.exec.CommandResult;
import dev.berth.exec.CommandRunner;
import dev.berth.exec.Output;
import dev.berth.files.PrivateFiles;
import dev.berth.supervisor.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system's nginx: Berth writes berth.conf and one berth-site-NAME.conf per site into the
 * directory it includes, checks the whole configuration with `nginx -t`, and reloads it with
 * `nginx -s reload`. Berth never edits a file it did not write: when nothing includes the
 * directory, it says which line to add. A refused configuration puts the previous files back.
 */
final class SystemNginx implements NginxRunner {
    private static final Pattern PID = Pattern.compile("^\\s*pid\\s+([^;\\s]+)\\s*;", Pattern.MULTILINE);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern INCLUDE = Pattern.compile("^([ \\t]*include[ \\t]+)([^;\\s#]+)[ \\t]*;", Pattern.MULTILINE);

    private final Nginx nginx;
    private final ProcessTree tree;
    private final Path includeDir;
    private final Path mainConf;
    private final Path challengeDir;
    private final Path frontdoorDir;

    SystemNginx(Nginx nginx, ProcessTree tree, Path includeDir, Path mainConf, Path frontdoorDir) throws IOException {
        this.nginx = nginx;
        this.tree = tree;
        this.includeDir = includeDir;
        this.mainConf = mainConf;
        this.frontdoorDir = frontdoorDir;
        // the system's workers (www-data) read the challenge: outside BERTH_HOME, which they cannot enter
        this.challengeDir = ManagedNginx.isRoot() ? Path.of("/var/lib/berth-acme-challenge") : frontdoorDir.resolve("acme-challenge");
        Files.createDirectories(challengeDir);
        Files.setPosixFilePermissions(challengeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override public Path challengeDir() {
        return challengeDir;
    }

    @Override public String render(NginxConfig.Inputs in) {
        return joined(NginxConfig.systemFiles(in, challengeDir));
    }

    private static String joined(Map<String, NginxConfig.Rendered> files) {
        StringBuilder sb = new StringBuilder();
        files.forEach((name, r) -> sb.append("# ---- ").append(name).append('\n').append(r.text()));
        return sb.toString();
    }

    @Override public List<Long> apply(NginxConfig.Inputs in) throws Refused, IOException {
        if (!Files.isDirectory(includeDir)) throw new IOException(includeDir + " (proxy.include_dir) is not a directory");
        Map<String, NginxConfig.Rendered> files = NginxConfig.systemFiles(in, challengeDir);
        Map<Path, byte[]> before = ours();
        String refused = test(files, before.keySet());
        if (refused != null) throw new Refused(refused);
        try {
            for (Path old : before.keySet()) if (!files.containsKey(old.getFileName().toString())) Files.delete(old);
            for (var e : files.entrySet()) {
                PrivateFiles.writeAtomically(includeDir.resolve(e.getKey()), e.getValue().text().getBytes(StandardCharsets.UTF_8),
                        PosixFilePermissions.fromString("rw-r--r--"));
            }
        } catch (IOException e) {
            restore(before);
            throw e;
        }
        Optional<Long> master = master();
        if (master.isEmpty()) {
            restore(before);
            throw new IOException("the system's nginx is not running (start it: systemctl start nginx)");
        }
        List<Long> old = tree.descendants(master.get());
        try {
            reload();
            ManagedNginx.awaitGeneration(in.generation(), in.control(), Path.of("/var/log/nginx/error.log"));
            ManagedNginx.awaitShuttingDown(old, tree);
        } catch (IOException e) {
            // the caller keeps the old instances serving: nginx must be back on what sends to them
            restore(before);
            try {
                reload();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new IOException(e.getMessage() + "; the previous files were put back", e);
        }
        return old;
    }

    private void reload() throws IOException {
        CommandResult r = CommandRunner.local().run(Command.of(nginx.program().toString(), "-c", mainConf.toString(), "-s", "reload")
                .withOutput(Output.capturedWithErrors(8192)).withTimeout(Duration.ofSeconds(30)));
        if (!r.ok()) throw new IOException("nginx -s reload failed: " + r.output().strip());
    }

    /**
     * `nginx -t` of the system's whole configuration as it would be, before anything live changes:
     * a copy of include_dir with Berth's new files (staging), read by a copy of the main file
     * whose include of include_dir names staging instead. The copy sits beside the main file,
     * where nginx resolves its relative paths. A complaint about one of Berth's files names its
     * berth.yml line; one about an operator's file names the file in include_dir.
     *
     * @return null when nginx accepts it, else why not
     */
    private String test(Map<String, NginxConfig.Rendered> files, Set<Path> ourOld) throws IOException {
        String main = Files.readString(mainConf);
        Matcher include = includeOf(main);
        if (include == null) {
            // the include may be in a file the main one includes: nginx -T says
            if (!includedSomewhere()) {
                return "nothing in " + mainConf + " includes " + includeDir + ": add `include " + includeDir + "/*.conf;` to its http block";
            }
            return testInPlace(files, ourOld);
        }
        removeLeftovers(); // of a test a killed daemon did not finish (its lock makes this the only one)
        Path staging = Files.createTempDirectory(frontdoorDir, "system-test-");
        Path copy = mainConf.resolveSibling(".berth-test-" + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".conf");
        try {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(includeDir)) {
                for (Path p : ds) {
                    if (ourOld.contains(p) || !Files.isRegularFile(p)) continue;
                    Files.copy(p, staging.resolve(p.getFileName()));
                }
            }
            Map<Path, NginxConfig.Rendered> byPath = new LinkedHashMap<>();
            for (var e : files.entrySet()) {
                Path target = staging.resolve(e.getKey());
                Files.writeString(target, e.getValue().text());
                byPath.put(target, e.getValue());
            }
            String glob = Path.of(include.group(2)).getFileName().toString();
            String tested = main.substring(0, include.start(2)) + staging.resolve(glob) + main.substring(include.end(2));
            PrivateFiles.writeAtomically(copy, tested.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
            String refused = nginx.test(copy, null, null, byPath);
            return refused == null ? null : refused.replace(staging.toString(), includeDir.toString()).replace(copy.toString(), mainConf.toString());
        } finally {
            Files.deleteIfExists(copy);
            deleteTree(staging);
        }
    }

    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(frontdoorDir, "system-test-*")) {
            for (Path p : ds) deleteTree(p);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(mainConf.toAbsolutePath().getParent(), ".berth-test-*.conf")) {
            for (Path p : ds) Files.deleteIfExists(p);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The main file's `include DIR/GLOB;` of include_dir (group 2 the argument), or null. */
    private Matcher includeOf(String main) {
        Matcher m = INCLUDE.matcher(main);
        while (m.find()) {
            String arg = m.group(2);
            Path dir = mainConf.getParent().resolve(arg).normalize().getParent();
            if (includeDir.toAbsolutePath().normalize().equals(dir)) return m;
        }
        return null;
    }

    /**
     * An include_dir included from a nested file: Berth's files are tested where they will live and
     * taken back out when nginx refuses them (a moment in which a reload by someone else would read them).
     */
    private String testInPlace(Map<String, NginxConfig.Rendered> files, Set<Path> ourOld) throws IOException {
        Map<Path, byte[]> before = ours();
        Map<Path, NginxConfig.Rendered> byPath = new LinkedHashMap<>();
        try {
            for (Path old : ourOld) if (!files.containsKey(old.getFileName().toString())) Files.delete(old);
            for (var e : files.entrySet()) {
                Path target = includeDir.resolve(e.getKey());
                PrivateFiles.writeAtomically(target, e.getValue().text().getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
                byPath.put(target, e.getValue());
            }
            return nginx.test(mainConf, null, null, byPath);
        } finally {
            restore(before);
        }
    }

    private boolean includedSomewhere() throws IOException {
        CommandResult r = CommandRunner.local().run(Command.of(nginx.program().toString(), "-T", "-q", "-c", mainConf.toString())
                .withOutput(Output.capturedWithErrors(4 * 1024 * 1024)).withTimeout(Duration.ofSeconds(30)));
        Matcher m = INCLUDE.matcher(r.output());
        while (m.find()) {
            Path arg = Path.of(m.group(2));
            Path dir = (arg.isAbsolute() ? arg : mainConf.getParent().resolve(arg)).normalize().getParent();
            if (includeDir.toAbsolutePath().normalize().equals(dir)) return true;
        }
        return false;
    }

    private Map<Path, byte[]> ours() throws IOException {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(includeDir, "berth*.conf")) {
            for (Path p : ds) {
                String head = Files.readString(p).lines().findFirst().orElse("");
                if (head.startsWith("# Written by Berth")) out.put(p, Files.readAllBytes(p)); // never a file Berth did not write
            }
        }
        return out;
    }

    private void restore(Map<Path, byte[]> before) throws IOException {
        for (Path now : ours().keySet()) if (!before.containsKey(now)) Files.deleteIfExists(now);
        for (var e : before.entrySet()) PrivateFiles.writeAtomically(e.getKey(), e.getValue(), PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Override public Optional<String> live() throws IOException {
        Map<Path, byte[]> files = ours();
        if (files.isEmpty()) return Optional.empty();
        StringBuilder sb = new StringBuilder();
        // berth.conf first, as render() lists them
        List<Path> order = new ArrayList<>(files.keySet());
        order.sort((a, b) -> a.getFileName().toString().equals("berth.conf") ? -1 : b.getFileName().toString().equals("berth.conf") ? 1 : a.compareTo(b));
        for (Path p : order) sb.append("# ---- ").append(p.getFileName()).append('\n').append(new String(files.get(p), StandardCharsets.UTF_8));
        return Optional.of(sb.toString());
    }

    @Override public Optional<Long> master() {
        Path pidFile = Path.of("/run/nginx.pid");
        try {
            Matcher m = PID.matcher(Files.readString(mainConf));
            if (m.find()) pidFile = Path.of(m.group(1));
        } catch (IOException e) {
            // Debian's default
        }
        return ManagedNginx.masterOf(pidFile, tree);
    }

    @Override public boolean drained(List<Long> oldWorkers, Duration limit) {
        return ManagedNginx.drainedOf(oldWorkers, limit, tree);
    }

    /** Takes Berth's files out and reloads: the system's nginx goes on serving everything else. */
    @Override public void stop(Duration limit) throws IOException {
        for (Path p : ours().keySet()) Files.deleteIfExists(p);
        if (master().isPresent()) CommandRunner.local().run(Command.of(nginx.program().toString(), "-c", mainConf.toString(), "-s", "reload"));
    }

    @Override public String describe() {
        return "system nginx " + nginx.version() + " (files in " + includeDir + ", " + mainConf + ")";
    }
}
