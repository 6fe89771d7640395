package dev.berth.cli;

import java.util.List;

/**
 * JVM options of the daemon, chosen for a small resident set: a small heap with the serial
 * collector, only the quick JIT tier, small thread stacks, class-data sharing.
 */
final class DaemonJvm {
    static final List<String> OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xms8m", "-Xmx64m", "-XX:MaxMetaspaceSize=96m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=24m",
            "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true");

    private DaemonJvm() { }
}
