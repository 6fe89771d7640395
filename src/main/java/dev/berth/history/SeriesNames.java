package dev.berth.history;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names of the series the history keeps, in three families, segments separated by '/':
 *
 * <pre>
 *   app/APP/INDEX/cpu      CPU of one instance's process tree, % of one core (200 = two cores busy)
 *   app/APP/INDEX/rss      resident memory of one instance's process tree, bytes
 *   host/cpu               the host's CPU busy, % of all CPUs together (0-100)
 *   host/mem               the host's memory in use (total - available), %
 *   host/load1             the 1-minute load average (not divided by the cores)
 *   host/disk              space used on the filesystem that holds BERTH_HOME, % (as df shows it)
 *   check/CHECK/latency    how long one run of the check took, ms
 * </pre>
 *
 * <p>Why '/' and not '.': app names ({@code [a-z0-9][a-z0-9_.-]*}) and check names (which add
 * ':') may contain dots, so with dots {@code app.web.} would also be the start of an app named
 * {@code web.v2}. No app or check name can contain '/', so a prefix that ends at a '/' names
 * exactly one app, instance or check, and every name splits one way only.
 *
 * <p>A name is accepted only when each segment is {@code [a-z0-9][a-z0-9_.:-]{0,99}} (no
 * quote, no space, no '%', nothing a shell or SQL could read as syntax) and it is one of the
 * forms above; anything else is refused with the forms in the message. SQL only ever sees a
 * name as a bound parameter.
 */
public final class SeriesNames {
    static final int MAX_LENGTH = 200;
    static final String FORMS = "app/APP/INDEX/cpu|rss, host/cpu|mem|load1|disk or check/CHECK/latency";
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,99}");
    private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,3}");
    private static final List<String> FAMILIES = List.of("app", "host", "check");

    /**
     * What a series measures: its unit, and how its values are kept: as the integer
     * round(value * scale), so 0.1 % for percents, 0.01 for the load, 0.1 ms, 1 KiB. Integers take
     * 1 to 4 bytes in SQLite where a fraction takes 8.
     */
    enum Metric {
        CPU("%", 10), RSS("bytes", 1.0 / 1024), MEM("%", 10), LOAD1("", 100), DISK("%", 10), LATENCY("ms", 10);

        final String unit;
        final double scale;

        Metric(String unit, double scale) {
            this.unit = unit;
            this.scale = scale;
        }
    }

    private SeriesNames() { }

    // The three builders do not check: a reading is checked where it is recorded (and dropped with a warning there).

    /** app/APP/INDEX/METRIC; metric is cpu or rss. */
    public static String app(String app, int index, String metric) {
        return "app/" + app + "/" + index + "/" + metric;
    }

    /** host/METRIC; metric is cpu, mem, load1 or disk. */
    public static String host(String metric) {
        return "host/" + metric;
    }

    /** check/CHECK/latency. */
    public static String checkLatency(String check) {
        return "check/" + check + "/latency";
    }

    /** name, when it is one of the forms; else IllegalArgumentException naming what (a parameter) and the forms. */
    public static String require(String what, String name) {
        metric(what, name);
        return name;
    }

    /** What the series of this name measures; IllegalArgumentException when the name is not one of the forms. */
    static Metric metric(String what, String name) {
        String[] s = segments(what, name);
        Metric m = switch (s[0]) {
            case "app" -> s.length == 4 && INDEX.matcher(s[2]).matches() ? pick(s[3], Metric.CPU, Metric.RSS) : null;
            case "host" -> s.length == 2 ? pick(s[1], Metric.CPU, Metric.MEM, Metric.LOAD1, Metric.DISK) : null;
            case "check" -> s.length == 3 ? pick(s[2], Metric.LATENCY) : null;
            default -> null;
        };
        if (m == null) throw new IllegalArgumentException(what + " \"" + name + "\" is not a series name; expected " + FORMS);
        return m;
    }

    /**
     * A prefix of whole segments, without a trailing '/': "app" (every instance of every app),
     * "app/web" (every series of web), "app/web/0", "check/api"; "app/we" is refused because it
     * would match no name.
     */
    public static String requirePrefix(String what, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String[] s = segments(what, p);
        int most = switch (s[0]) {
            case "app" -> 4;
            case "host" -> 2;
            default -> 3;
        };
        if (s.length > most || s[0].equals("app") && s.length >= 3 && !INDEX.matcher(s[2]).matches()) {
            throw new IllegalArgumentException(what + " \"" + prefix + "\" is not the start of a series name; expected whole segments of " + FORMS);
        }
        return p;
    }

    private static String[] segments(String what, String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException(what + " is empty; expected " + FORMS);
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " is " + name.length() + " characters long; at most " + MAX_LENGTH);
        }
        String[] s = name.split("/", -1);
        for (String segment : s) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException(what + " \"" + name + "\": segment \"" + segment
                        + "\" is not a name (lowercase letters, digits and _ . : -, starting with a letter or digit); expected " + FORMS);
            }
        }
        if (!FAMILIES.contains(s[0])) {
            throw new IllegalArgumentException(what + " \"" + name + "\" starts with \"" + s[0] + "\"; series start with app, host or check (" + FORMS + ")");
        }
        return s;
    }

    private static Metric pick(String segment, Metric... allowed) {
        for (Metric m : allowed) if (m.name().toLowerCase(Locale.ROOT).equals(segment)) return m;
        return null;
    }
}
