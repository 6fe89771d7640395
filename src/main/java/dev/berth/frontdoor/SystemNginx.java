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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final Nginx nginx;
    private final ProcessTree tree;
    private final Path includeDir;
    private final Path mainConf;
    private final Path challengeDir;

    SystemNginx(Nginx nginx, ProcessTree tree, Path includeDir, Path mainConf, Path frontdoorDir) throws IOException {
        this.nginx = nginx;
        this.tree = tree;
        this.includeDir = includeDir;
        this.mainConf = mainConf;
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
        try {
            for (Path old : before.keySet()) if (!files.containsKey(old.getFileName().toString())) Files.delete(old);
            for (var e : files.entrySet()) {
                PrivateFiles.writeAtomically(includeDir.resolve(e.getKey()), e.getValue().text().getBytes(StandardCharsets.UTF_8),
                        PosixFilePermissions.fromString("rw-r--r--"));
            }
            String refused = test(files);
            if (refused != null) throw new Refused(refused);
            if (!included()) {
                throw new Refused("nothing in " + mainConf + " includes " + includeDir + ": add `include " + includeDir + "/*.conf;` to its http block");
            }
        } catch (Refused | IOException e) {
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

    /** `nginx -t` of the system's whole configuration; a complaint about one of Berth's files names its berth.yml line. */
    private String test(Map<String, NginxConfig.Rendered> files) throws IOException {
        Map<Path, NginxConfig.Rendered> byPath = new LinkedHashMap<>();
        files.forEach((name, r) -> byPath.put(includeDir.resolve(name), r));
        return nginx.test(mainConf, null, null, byPath);
    }

    private boolean included() throws IOException {
        CommandResult r = CommandRunner.local().run(Command.of(nginx.program().toString(), "-T", "-q", "-c", mainConf.toString())
                .withOutput(Output.capturedWithErrors(4 * 1024 * 1024)).withTimeout(Duration.ofSeconds(30)));
        return r.output().contains("# configuration file " + includeDir.resolve("berth.conf") + ":");
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
