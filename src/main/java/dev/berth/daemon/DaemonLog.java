package dev.berth.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The daemon's own log (daemon.log): one line per record, UTC time first.
 *
 * <p>Formatted by hand rather than with SimpleFormatter's format string: that goes through
 * String.format, which loads the locale data (over a thousand Locale objects and their
 * classes) and stays resident in the daemon for good.
 */
public final class DaemonLog extends Formatter {
    /** Replaces the root logger's handlers with one that writes these lines to stderr (redirected to daemon.log). */
    public static void install() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new DaemonLog());
        root.addHandler(console);
    }

    @Override public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(128);
        long ms = r.getMillis();
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC);
        sb.append(t.getYear()).append('-');
        two(sb, t.getMonthValue()).append('-');
        two(sb, t.getDayOfMonth()).append(' ');
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond()).append('.');
        int milli = t.getNano() / 1_000_000;
        if (milli < 100) sb.append('0');
        if (milli < 10) sb.append('0');
        sb.append(milli).append("Z ").append(r.getLevel().getName()).append(' ');
        String logger = r.getLoggerName();
        sb.append(logger == null ? "-" : logger.substring(logger.lastIndexOf('.') + 1)).append(": ").append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            sb.append(trace);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        if (v < 10) sb.append('0');
        return sb.append(v);
    }
}
