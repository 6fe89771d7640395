package dev.berth.frontdoor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the front door's tests need from the machine: missing, they are skipped saying so, and fail under CI=true. */
final class Needs {
    private Needs() { }

    static void program(String name, String debianPackage) {
        boolean there = Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/usr/bin", name));
        String missing = name + " is not installed (Debian package " + debianPackage + "; scripts/prerequisites --test installs it)";
        if (!there && "true".equals(System.getenv("CI"))) throw new AssertionError(missing);
        assumeTrue(there, missing);
    }

    static void nginx() {
        program("nginx", "nginx");
    }
}
