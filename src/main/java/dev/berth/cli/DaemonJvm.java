package dev.berth.cli;

import java.util.List;

/**
 * JVM options of the daemon, chosen for a small resident set (measured with 10 apps, see
 * bench/supervisor): class metadata is the largest part, so no class-data sharing (the
 * shared archive maps about 14 MB whatever the daemon uses, its own classes take less); a
 * small heap with the serial collector; only the quick JIT tier, compiling late, since the
 * daemon mostly waits; glibc's free memory handed back every few seconds.
 *
 * <p>The young generation is 1 MB of eden and two 1 MB survivor spaces (bench/dashboard): what
 * a request holds while it is answered (a chart's 6,000 points, ~300 KB) outlives a collection or
 * two, and with the default 1:8 survivors it was promoted, so the old generation grew by ~250 KB
 * a chart until a full collection, 40 MB later. Here it dies in a survivor space. After a full
 * collection the old generation shrinks at once to within 20 % of what is live (the collector
 * grows it again when needed), so a burst, a 50,000-point chart, is given back rather than kept.
 *
 * <p>The code that answers requests (the API, JSON, the history's queries and SQLite's driver, the
 * sessions, the JDK's HTTP server) compiles 50 times sooner than the rest: at the daemon's late
 * threshold a dashboard kept open made the JIT's code cache grow for an hour, ~2.4 MB over 10
 * minutes (bench/dashboard, NMT); compiled sooner, the same code is in place within the first
 * minute. The idle daemon never runs it, so its RSS is the same.
 * IgnoreUnrecognizedVMOptions: the daemon runs on whatever JDK >= 21 the CLI found.
 */
final class DaemonJvm {
    static final List<String> OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:+UseSerialGC", "-Xms5m", "-Xmn3m", "-XX:SurvivorRatio=1", "-Xmx64m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:-ShrinkHeapInSteps", "-XX:MaxMetaspaceSize=96m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=5", "-XX:ReservedCodeCacheSize=8m",
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.berth.api.*::*,0.1",
            "-XX:CompileCommand=CompileThresholdScaling,dev.berth.json.*::*,0.1",
            "-XX:CompileCommand=CompileThresholdScaling,dev.berth.history.*::*,0.1",
            "-XX:CompileCommand=CompileThresholdScaling,dev.berth.access.*::*,0.1",
            "-XX:CompileCommand=CompileThresholdScaling,org.sqlite.*::*,0.1",
            "-XX:CompileCommand=CompileThresholdScaling,sun.net.httpserver.*::*,0.1",
            "-Xshare:off", "-XX:TrimNativeHeapInterval=5000",
            "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true");

    private DaemonJvm() { }
}
