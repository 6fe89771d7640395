package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ./berth launcher and scripts/jdk.sh, in a copy of the checkout whose scripts/build is
 * a stand-in: it finds a JDK with the real jdk.sh, records that it ran and puts a jar of the
 * compiled classes in target/. So the tests see when the launcher decides to build, which JDK it
 * picks, and what it says when there is none, in seconds instead of a Maven build each.
 */
class LauncherIT {
    private static final String FAKE_BUILD = """
            #!/usr/bin/env bash
            set -euo pipefail
            ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
            . "$ROOT/scripts/jdk.sh"
            berth_find_jdk || exit 5
            echo built >> "$ROOT/builds.log"
            mkdir -p "$ROOT/target"
            cp "$LAUNCHER_TEST_JAR" "$ROOT/target/berth.jar"
            printf '%s' "$BERTH_JAVA_HOME" > "$ROOT/target/.java-home"
            """;

    private static Path jar;

    @TempDir Path tmp;
    private Path tree;

    /** One jar of the compiled main classes (the launcher runs `-cp target/berth.jar`). */
    @BeforeAll
    static void packClasses(@TempDir Path dir) throws IOException {
        Path classes = BerthRun.ROOT.resolve("target/classes");
        jar = dir.resolve("berth.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    @BeforeEach
    void copyLauncher() throws IOException {
        tree = Files.createDirectories(tmp.resolve("checkout"));
        Files.createDirectories(tree.resolve("scripts"));
        Files.copy(BerthRun.ROOT.resolve("berth"), tree.resolve("berth"));
        Files.copy(BerthRun.ROOT.resolve("scripts/jdk.sh"), tree.resolve("scripts/jdk.sh"));
        Files.writeString(tree.resolve("scripts/build"), FAKE_BUILD);
        Files.setPosixFilePermissions(tree.resolve("scripts/build"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(tree.resolve("berth"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
        Path pkg = Files.createDirectories(tree.resolve("src/main/java/dev/example"));
        Files.writeString(pkg.resolve("A.java"), "class A {}\n");
        Files.writeString(pkg.resolve("B.java"), "class B {}\n");
    }

    @Test
    void buildsOnFirstUseOnlyThenRebuildsWhenASourceIsEditedOrDeleted() throws Exception {
        Result first = launch(Map.of(), "--version");
        assertEquals(0, first.exit, first.toString());
        assertTrue(first.out.startsWith("berth "), first.toString());
        assertEquals(1, builds(), "the first call builds");

        assertEquals(0, launch(Map.of(), "--version").exit);
        assertEquals(1, builds(), "an unchanged checkout is not built again");

        // Sources a minute old, the jar half a minute: as after a build, with -nt comparisons that cannot tie.
        agePastBuild();
        assertEquals(0, launch(Map.of(), "--version").exit);
        assertEquals(1, builds(), "older sources do not make a build");

        Files.writeString(tree.resolve("src/main/java/dev/example/A.java"), "class A { int edited; }\n");
        Result edited = launch(Map.of(), "--version");
        assertEquals(0, edited.exit, edited.toString());
        assertEquals(2, builds(), "an edited source makes a build");

        agePastBuild();
        Files.delete(tree.resolve("src/main/java/dev/example/B.java"));
        assertEquals(0, launch(Map.of(), "--version").exit);
        assertEquals(3, builds(), "a deleted source (its directory is newer) makes a build");

        agePastBuild();
        Files.writeString(tree.resolve("pom.xml"), "<project><!-- edited --></project>\n");
        assertEquals(0, launch(Map.of(), "--version").exit);
        assertEquals(4, builds(), "an edited pom.xml makes a build");
    }

    @Test
    void withoutAJdk21ItSaysWhatItFoundAndWhereItLooked() throws Exception {
        // A java 17 first on PATH, no JAVA_HOME, and a system JVM directory that is empty.
        Path old = fakeJava17();
        Path empty = Files.createDirectories(tmp.resolve("no-jvms"));
        Map<String, String> env = Map.of("PATH", old + ":/usr/bin:/bin", "BERTH_JVM_DIRS", empty.toString());

        Result r = launch(env, "--version");
        assertEquals(5, r.exit, r.toString());
        assertTrue(r.err.contains("no JDK 21 or newer found"), r.toString());
        assertTrue(r.err.contains("not usable: " + tmp.resolve("jdk17") + " (Java 17)"), r.toString());
        assertTrue(r.err.contains(empty.toString()), "names where it looked: " + r);
        assertTrue(r.err.contains("JAVA_HOME"), "says how to point it at one: " + r);
        assertEquals(0, builds(), "nothing is built");
        assertFalse(Files.exists(tree.resolve("target")), "nothing is left behind");
    }

    @Test
    void skipsAnOldJavaHomeForANewerJdkInTheSystemDirectory() throws Exception {
        Path old = fakeJava17();
        // The JDK running this test (>= 21: the build requires it), seen through a JVM directory.
        Path jvms = Files.createDirectories(tmp.resolve("jvms"));
        Path current = Path.of(System.getProperty("java.home"));
        Files.createSymbolicLink(jvms.resolve("some-jdk"), current);
        Map<String, String> env = Map.of("JAVA_HOME", tmp.resolve("jdk17").toString(),
                "PATH", old + ":/usr/bin:/bin", "BERTH_JVM_DIRS", jvms.toString());

        Result r = launch(env, "--version");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("Java " + Runtime.version().feature()), r.toString());
        assertEquals(jvms.resolve("some-jdk").toString(), Files.readString(tree.resolve("target/.java-home")));

        // Later calls use the JDK it found without looking again, even with nothing on PATH.
        Result again = launch(Map.of("PATH", "/usr/bin:/bin", "BERTH_JVM_DIRS", tmp.resolve("no-such-dir").toString()), "--version");
        assertEquals(0, again.exit, again.toString());
        assertEquals(1, builds());
        Files.delete(jvms.resolve("some-jdk")); // the link only: JUnit warns about links out of its directory
    }

    // ---- helpers ---------------------------------------------------------------------------

    private record Result(int exit, String out, String err) {
        @Override public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private Result launch(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(tree.resolve("berth").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("BERTH_HOME", tmp.resolve("home").toString());
        pb.environment().put("LAUNCHER_TEST_JAR", jar.toString());
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./berth " + String.join(" ", args) + " did not finish in 60s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A JDK 17 stand-in (its bin directory): java and javac answer the version query as java 17 does. */
    private Path fakeJava17() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("jdk17/bin"));
        for (String tool : List.of("java", "javac")) {
            Path p = bin.resolve(tool);
            Files.writeString(p, "#!/bin/sh\necho '    java.specification.version = 17' >&2\necho 'openjdk version \"17.0.15\"' >&2\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private int builds() throws IOException {
        Path log = tree.resolve("builds.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
    }

    /** Every source and directory a minute ago, the jar half a minute ago. */
    private void agePastBuild() throws IOException {
        Instant now = Instant.now();
        FileTime minute = FileTime.from(now.minusSeconds(60));
        try (Stream<Path> all = Files.walk(tree.resolve("src"))) {
            for (Path p : (Iterable<Path>) all::iterator) Files.setLastModifiedTime(p, minute);
        }
        Files.setLastModifiedTime(tree.resolve("pom.xml"), minute);
        Files.setLastModifiedTime(tree.resolve("target/berth.jar"), FileTime.from(now.minusSeconds(30)));
    }
}
