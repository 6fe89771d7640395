package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.DeploySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real git repositories, directories and archives made in a temporary directory; nothing mocked. */
class ReleaseSourcesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir Path tmp;
    private Path origin;
    private Path cache;
    private final List<String> log = new ArrayList<>();
    /** Commits of the origin repository: first (tagged v1), second (main), on feature. */
    private String first;
    private String second;
    private String onFeature;

    @BeforeEach void makeOrigin() throws Exception {
        origin = Files.createDirectories(tmp.resolve("origin"));
        cache = tmp.resolve("deploy/repo.git");
        git(origin, "init", "-q", "-b", "main");
        Files.writeString(origin.resolve("README.txt"), "v1\n");
        Files.createDirectories(origin.resolve("bin"));
        Files.writeString(origin.resolve("bin/start.sh"), "#!/bin/sh\necho started\n");
        Files.setPosixFilePermissions(origin.resolve("bin/start.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        first = commit("first");
        git(origin, "tag", "-a", "v1", "-m", "release 1"); // annotated: the tag object must be peeled to its commit
        Files.writeString(origin.resolve("README.txt"), "v2\n");
        second = commit("second");
        git(origin, "checkout", "-q", "-b", "feature");
        Files.writeString(origin.resolve("feature.txt"), "feature\n");
        onFeature = commit("on feature");
        git(origin, "checkout", "-q", "main");
    }

    // ---- git ----------------------------------------------------------------------------------

    /** As data: a ref, branch or repository from the user reaches git after --end-of-options (or --), never as an option. */
    @Test void gitTakesWhatTheUserNamesAfterTheEndOfItsOptions() {
        Path mirror = Path.of("/cache/repo.git");
        assertEquals(List.of("git", "--git-dir=/cache/repo.git", "rev-parse", "--verify", "--end-of-options", "--output=x^{commit}"),
                GitMirror.verifyArgv(mirror, "--output=x^{commit}"));
        assertEquals(List.of("git", "--git-dir=/cache/repo.git", "config", "--", "remote.origin.url", "-oProxyCommand=x"),
                GitMirror.setUrlArgv(mirror, "-oProxyCommand=x"));
    }

    @Test void gitFetchesTheDefaultBranchWithoutGitDirectoryAndKeepsTheExecutableBit() throws Exception {
        Path target = release("r1");
        ReleaseSources.Resolved f = ReleaseSources.fetch(gitSource(null), null, cache, target, TIMEOUT, log::add);

        assertEquals(new ReleaseSources.Resolved(second, "main"), f);
        assertEquals("v2\n", Files.readString(target.resolve("README.txt")));
        assertFalse(Files.exists(target.resolve("feature.txt")), "feature.txt is only on the feature branch");
        assertFalse(Files.exists(target.resolve(".git")));
        assertTrue(Files.getPosixFilePermissions(target.resolve("bin/start.sh")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertEquals("started\n", runScript(target.resolve("bin/start.sh")));
        assertTrue(Files.isRegularFile(cache.resolve("HEAD")), "a bare mirror is kept in the cache directory");
        assertFalse(Files.exists(cache.resolveSibling("repo.git.partial")));
        assertTrue(log.contains("git: commit " + second.substring(0, 12) + " (main)"), log.toString());
    }

    @Test void gitFetchesANamedBranch() throws Exception {
        Path target = release("r1");
        ReleaseSources.Resolved f = ReleaseSources.fetch(gitSource("feature"), null, cache, target, TIMEOUT, log::add);

        assertEquals(new ReleaseSources.Resolved(onFeature, "feature"), f);
        assertEquals("feature\n", Files.readString(target.resolve("feature.txt")));
    }

    @Test void gitFetchesATagAndACommitIdGivenAsRef() throws Exception {
        Path byTag = release("tag");
        ReleaseSources.Resolved tag = ReleaseSources.fetch(gitSource("feature"), "v1", cache, byTag, TIMEOUT, log::add);
        assertEquals(new ReleaseSources.Resolved(first, "v1"), tag);
        assertEquals("v1\n", Files.readString(byTag.resolve("README.txt")));
        assertFalse(Files.exists(byTag.resolve("feature.txt")), "the ref wins over the configured branch");

        Path byCommit = release("commit");
        ReleaseSources.Resolved commit = ReleaseSources.fetch(gitSource(null), second, cache, byCommit, TIMEOUT, log::add);
        assertEquals(new ReleaseSources.Resolved(second, second), commit);
        assertEquals("v2\n", Files.readString(byCommit.resolve("README.txt")));
    }

    @Test void gitUpdatesTheMirrorAndSeesANewCommit() throws Exception {
        ReleaseSources.fetch(gitSource(null), null, cache, release("r1"), TIMEOUT, log::add);
        Files.writeString(origin.resolve("README.txt"), "v3\n");
        String third = commit("third");

        Path target = release("r2");
        log.clear();
        ReleaseSources.Resolved f = ReleaseSources.fetch(gitSource(null), null, cache, target, TIMEOUT, log::add);

        assertEquals(third, f.commit());
        assertEquals("v3\n", Files.readString(target.resolve("README.txt")));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("git: updating mirror of ")), log.toString());
    }

    @Test void gitUnknownBranchOrRefIsAHelpfulError() throws Exception {
        DeployException branch = assertThrows(DeployException.class,
                () -> ReleaseSources.fetch(gitSource("nope"), null, cache, release("r1"), TIMEOUT, log::add));
        assertTrue(branch.getMessage().startsWith("git: branch \"nope\" not found in " + origin), branch.getMessage());
        assertTrue(branch.getMessage().contains("git said: "), branch.getMessage());
        assertTrue(branch.getMessage().endsWith("its branches: feature, main"), branch.getMessage());
        assertEquals(List.of(), listing(release("r1")), "nothing is written for a branch that is not there");

        DeployException ref = assertThrows(DeployException.class,
                () -> ReleaseSources.resolve(gitSource(null), "v9", cache, TIMEOUT, log::add));
        assertTrue(ref.getMessage().startsWith("git: ref \"v9\" not found in " + origin + " (neither a branch, a tag nor a commit id)"),
                ref.getMessage());

        DeployException option = assertThrows(DeployException.class,
                () -> ReleaseSources.resolve(gitSource(null), "--output=/tmp/x", cache, TIMEOUT, log::add));
        assertTrue(option.getMessage().contains("is not a valid ref"), option.getMessage());
    }

    @Test void resolveNamesTheCommitWithoutWritingARelease() throws Exception {
        ReleaseSources.Resolved r = ReleaseSources.resolve(gitSource(null), "feature", cache, TIMEOUT, log::add);
        assertEquals(new ReleaseSources.Resolved(onFeature, "feature"), r);
        assertTrue(Files.isDirectory(cache.resolve("objects")));
    }

    @Test void commitRangeListsWhatADeployBrings() throws Exception {
        ReleaseSources.resolve(gitSource(null), null, cache, TIMEOUT, log::add);

        List<String> range = GitMirror.commitRange(cache, first, onFeature, TIMEOUT);
        assertEquals(2, range.size(), range.toString());
        assertTrue(range.get(0).endsWith(" on feature") && onFeature.startsWith(range.get(0).split(" ")[0]), range.toString());
        assertTrue(range.get(1).endsWith(" second"), range.toString());

        List<String> noLive = GitMirror.commitRange(cache, null, second, TIMEOUT);
        assertEquals(2, noLive.size(), noLive.toString());
        assertTrue(noLive.get(1).endsWith(" first"), noLive.toString());

        List<String> unknown = GitMirror.commitRange(cache, "0123456789012345678901234567890123456789", second, TIMEOUT);
        assertEquals(noLive, unknown, "a commit the mirror does not know is treated like no live commit");

        assertEquals(List.of(), GitMirror.commitRange(cache, second, second, TIMEOUT));
    }

    @Test void credentialsInTheUrlNeverReachMessagesOrTheLog() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        DeploySpec.GitSource source = new DeploySpec.GitSource("http://deployer:s3cret@127.0.0.1:" + closedPort + "/app.git", null);

        DeployException e = assertThrows(DeployException.class,
                () -> ReleaseSources.fetch(source, null, cache, release("r1"), TIMEOUT, log::add));

        assertTrue(e.getMessage().startsWith("git: cannot clone http://127.0.0.1:" + closedPort + "/app.git (git said: "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret") || e.getMessage().contains("deployer"), e.getMessage());
        assertFalse(log.toString().contains("s3cret"), log.toString());
        assertFalse(Files.exists(cache) || Files.exists(cache.resolveSibling("repo.git.partial")), "a failed clone leaves nothing");
    }

    @Test void aServerThatNeverAnswersTimesOut() throws Exception {
        // the kernel completes connections into the backlog, so git connects and then waits for an answer
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            DeploySpec.GitSource source = new DeploySpec.GitSource("http://127.0.0.1:" + silent.getLocalPort() + "/app.git", null);
            long t0 = System.nanoTime();
            DeployException e = assertThrows(DeployException.class,
                    () -> ReleaseSources.fetch(source, null, cache, release("r1"), Duration.ofSeconds(1), log::add));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/app.git";
            assertTrue(e.getMessage().startsWith("git clone --mirror " + url + " timed out after 1s and was stopped"), e.getMessage());
            assertTrue(took < 8000, "stopped within the timeout and its grace, took " + took + " ms");
            assertFalse(Files.exists(cache) || Files.exists(cache.resolveSibling("repo.git.partial")));
        }
    }

    // ---- dir ----------------------------------------------------------------------------------

    @Test void dirCopyKeepsExecutableBitsAndSymlinksAndSkipsTopLevelGit() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("run.sh"), "#!/bin/sh\necho started\n");
        Files.setPosixFilePermissions(src.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(src.resolve("start"), Path.of("run.sh"));
        Files.createDirectories(src.resolve("lib/deep"));
        Files.writeString(src.resolve("lib/deep/data.txt"), "data");
        Files.createDirectories(src.resolve(".git/objects"));
        Files.writeString(src.resolve(".git/config"), "[core]");
        Files.createDirectories(src.resolve("vendor/tool/.git")); // not top-level: part of the tree

        Path target = release("r1");
        ReleaseSources.Resolved f = ReleaseSources.fetch(new DeploySpec.DirSource(src), null, cache, target, TIMEOUT, log::add);

        assertEquals(new ReleaseSources.Resolved(null, null), f);
        assertEquals(PosixFilePermissions.fromString("rwxr-x---"), Files.getPosixFilePermissions(target.resolve("run.sh")));
        assertTrue(Files.isSymbolicLink(target.resolve("start")));
        assertEquals(Path.of("run.sh"), Files.readSymbolicLink(target.resolve("start")));
        assertEquals("started\n", runScript(target.resolve("start")));
        assertEquals("data", Files.readString(target.resolve("lib/deep/data.txt")));
        assertFalse(Files.exists(target.resolve(".git")));
        assertTrue(Files.isDirectory(target.resolve("vendor/tool/.git")));
        assertFalse(Files.exists(cache), "no git cache for a dir source");
    }

    @Test void dirThatIsMissingIsRefused() {
        Path missing = tmp.resolve("nowhere");
        DeployException e = assertThrows(DeployException.class,
                () -> ReleaseSources.resolve(new DeploySpec.DirSource(missing), null, cache, TIMEOUT, log::add));
        assertEquals("dir: " + missing + " does not exist", e.getMessage());
    }

    // ---- archives -----------------------------------------------------------------------------

    @Test void tarGzIsUnpackedWithItsPermissions() throws Exception {
        Path content = Files.createDirectories(tmp.resolve("content/app"));
        Files.writeString(content.resolve("server.sh"), "#!/bin/sh\necho started\n");
        Files.setPosixFilePermissions(content.resolve("server.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(content.resolve("notes.txt"), "notes");
        Path archive = tmp.resolve("app-1.0.tgz");
        run(tmp, List.of("tar", "-czf", archive.toString(), "-C", tmp.resolve("content").toString(), "app"));

        Path target = release("r1");
        ReleaseSources.fetch(new DeploySpec.ArchiveSource(archive), null, cache, target, TIMEOUT, log::add);

        assertEquals("notes", Files.readString(target.resolve("app/notes.txt")));
        assertEquals("started\n", runScript(target.resolve("app/server.sh")));
    }

    @Test void zipIsUnpackedKeepingStoredUnixModes() throws Exception {
        Path archive = tmp.resolve("site.zip");
        writeZip(archive, Map.of("site/", "", "site/index.html", "<h1>hi</h1>", "site/bin/start.sh", "#!/bin/sh\necho started\n"));
        setUnixMode(archive, "site/bin/start.sh", 0100755);

        Path target = release("r1");
        ReleaseSources.fetch(new DeploySpec.ArchiveSource(archive), null, cache, target, TIMEOUT, log::add);

        assertEquals("<h1>hi</h1>", Files.readString(target.resolve("site/index.html")));
        assertEquals("started\n", runScript(target.resolve("site/bin/start.sh")));
        assertFalse(Files.isExecutable(target.resolve("site/index.html")));
    }

    @Test void zipWithAnEntryOutsideTheTargetIsRefusedAndWritesNothing() throws Exception {
        Path archive = tmp.resolve("evil.zip");
        writeZip(archive, Map.of("a-fine-file.txt", "fine", "../evil", "gotcha"));

        Path target = release("r1");
        DeployException e = assertThrows(DeployException.class,
                () -> ReleaseSources.fetch(new DeploySpec.ArchiveSource(archive), null, cache, target, TIMEOUT, log::add));

        assertTrue(e.getMessage().contains("\"../evil\"") && e.getMessage().contains("zip-slip"), e.getMessage());
        assertFalse(Files.exists(target.resolveSibling("evil")));
        assertFalse(Files.exists(tmp.resolve("evil")));
        assertEquals(List.of(), listing(target), "checked before anything is written");
    }

    @Test void jarIsCopiedUnderItsOwnName() throws Exception {
        Path jar = tmp.resolve("build/app-2.1.jar");
        Files.createDirectories(jar.getParent());
        writeZip(jar, Map.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"));

        Path target = release("r1");
        ReleaseSources.fetch(new DeploySpec.ArchiveSource(jar), null, cache, target, TIMEOUT, log::add);

        assertEquals(List.of("app-2.1.jar"), listing(target));
        assertEquals(-1, Files.mismatch(jar, target.resolve("app-2.1.jar")));
    }

    @Test void unknownArchiveKindIsRefusedNamingTheSupportedOnes() throws Exception {
        Path rar = Files.writeString(tmp.resolve("app.rar"), "not really");
        DeployException fetch = assertThrows(DeployException.class,
                () -> ReleaseSources.fetch(new DeploySpec.ArchiveSource(rar), null, cache, release("r1"), TIMEOUT, log::add));
        assertTrue(fetch.getMessage().contains(".tar.gz, .tgz, .zip or .jar"), fetch.getMessage());
        DeployException dryRun = assertThrows(DeployException.class,
                () -> ReleaseSources.resolve(new DeploySpec.ArchiveSource(rar), null, cache, TIMEOUT, log::add));
        assertEquals(fetch.getMessage(), dryRun.getMessage());

        Path missing = tmp.resolve("gone.tar.gz");
        DeployException absent = assertThrows(DeployException.class,
                () -> ReleaseSources.resolve(new DeploySpec.ArchiveSource(missing), null, cache, TIMEOUT, log::add));
        assertEquals("archive: " + missing + " does not exist", absent.getMessage());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private DeploySpec.GitSource gitSource(String branch) {
        return new DeploySpec.GitSource(origin.toString(), branch);
    }

    private Path release(String name) throws IOException {
        return Files.createDirectories(tmp.resolve("deploy/releases").resolve(name));
    }

    private String commit(String message) throws Exception {
        git(origin, "add", "-A");
        git(origin, "commit", "-q", "-m", message);
        return git(origin, "rev-parse", "HEAD").strip();
    }

    private String git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
                "-c", "tag.gpgsign=false"));
        argv.addAll(List.of(args));
        return run(dir, argv);
    }

    private String run(Path dir, List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null"); // the developer's own git settings stay out of it
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), argv + " did not finish");
        assertEquals(0, p.exitValue(), argv + " failed: " + out);
        return out;
    }

    private static String runScript(Path script) throws Exception {
        assertTrue(Files.isExecutable(script), script + " is not executable");
        Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Entries in name order; a name ending in / is a directory. */
    private static void writeZip(Path file, Map<String, String> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (String name : entries.keySet().stream().sorted().toList()) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(entries.get(name).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    /** What zip tools on unix do and java.util.zip cannot: "made by unix" and the mode in the external attributes. */
    private static void setUnixMode(Path zipFile, String entryName, int mode) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(zipFile)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entryName.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 46 + name.length <= b.capacity(); at++) {
            if (b.getInt(at) == 0x02014b50 && Short.toUnsignedInt(b.getShort(at + 28)) == name.length
                    && ByteBuffer.wrap(b.array(), at + 46, name.length).equals(ByteBuffer.wrap(name))) {
                b.put(at + 5, (byte) 3);
                b.putInt(at + 38, mode << 16);
                Files.write(zipFile, b.array());
                return;
            }
        }
        throw new AssertionError(entryName + " not in the central directory of " + zipFile);
    }
}
