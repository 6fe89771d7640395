package dev.berth.cli;

import java.util.List;

/**
 * JVM options of the daemon, chosen for a small resident set (measured with 10 apps, see
 * bench/supervisor): class metadata is the largest part, so no class-data sharing (the
 * shared archive maps about 14 MB whatever the daemon uses, its own classes take less); a
 * 2 MB starting heap with the serial collector; only the quick JIT tier, compiling late,
 * since the daemon mostly waits; glibc's free memory handed back every few seconds.
 * IgnoreUnrecognizedVMOptions: the daemon runs on whatever JDK >= 21 the CLI found.
 */
final class DaemonJvm {
    static final List<String> OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:+UseSerialGC", "-Xms2m", "-Xmn1m", "-Xmx64m", "-XX:MaxMetaspaceSize=96m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=5", "-XX:ReservedCodeCacheSize=8m",
            "-Xshare:off", "-XX:TrimNativeHeapInterval=5000",
            "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true");

    private DaemonJvm() { }
}
