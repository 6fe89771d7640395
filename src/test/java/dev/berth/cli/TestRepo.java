package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real git repository holding testapps/release_app.py, for the deploy tests: each commit is a release. */
final class TestRepo {
    /** The files that make release_app.py misbehave; each commit removes those it does not set. */
    private static final List<String> BEHAVIOUR = List.of("CRASH", "UNHEALTHY", "DIE_AFTER", "UNHEALTHY_AFTER", "SLOW_START");

    final Path dir;

    TestRepo(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        git("init", "-q", "-b", "main");
        Files.copy(BerthRun.TESTAPPS.resolve("release_app.py"), dir.resolve("release_app.py"));
    }

    void git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@t"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "git " + String.join(" ", args) + ": " + out);
    }

    /** Commits VERSION=version plus any extra files (name, content, name, content ...). */
    void commit(String version, String... files) throws Exception {
        Files.writeString(dir.resolve("VERSION"), version + "\n");
        for (String f : BEHAVIOUR) Files.deleteIfExists(dir.resolve(f));
        for (int i = 0; i < files.length; i += 2) Files.writeString(dir.resolve(files[i]), files[i + 1]);
        git("add", "-A");
        git("commit", "-q", "-m", version);
    }

    static String read(Path link) throws IOException {
        return Files.readSymbolicLink(link).getFileName().toString();
    }
}
