package dev.berth.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Compose healthcheck as Berth's ready:. Berth can GET a path on the app's published port, which is
 * what the usual healthcheck does (curl -f or wget of http://localhost:PORT/PATH inside the container,
 * PORT the container's port); anything else (pg_isready, redis-cli ping, a script) has no equivalent.
 */
final class ComposeHealthcheck {
    /** http://localhost:3000/health, http://127.0.0.1/health, http://[::1]:8080 */
    private static final Pattern URL = Pattern.compile("(https?)://(localhost|127\\.0\\.0\\.1|0\\.0\\.0\\.0|\\[::1]|[^/:\\s]+)(?::(\\d{1,5}))?(/\\S*)?");
    /** What a shell healthcheck may end with and still be a plain check: the exit code is the check's either way. */
    private static final Pattern EXIT_ON_FAILURE = Pattern.compile("\\s*\\|\\|\\s*(exit(\\s+1)?|false)\\s*$");
    private static final Pattern SHELL_SYNTAX = Pattern.compile("&&|;|\\||>|<|`|\\$\\(");

    private final List<String> notes;

    ComposeHealthcheck(List<String> notes) {
        this.notes = notes;
    }

    /**
     * ready: {http: PATH, timeout: ...}, or null with a note saying why not.
     *
     * @param containerPort the port the app listens on inside the container, or null when none is known
     * @param published     the app has a port: on the host, which ready.http asks
     */
    Map<String, Object> ready(ComposeValue hc, String field, String containerPort, boolean published) {
        if (!hc.isMap()) {
            notes.add(hc.note(field, "expected a mapping, got " + hc.shown() + "; not mapped"));
            return null;
        }
        if (hc.get("disable") != null && "true".equals(hc.get("disable").text())) {
            return null; // the image's own HEALTHCHECK is off: nothing to wait for
        }
        ComposeValue test = hc.get("test");
        if (test == null) {
            notes.add(hc.note(field, "has no test (the image's HEALTHCHECK is used), which Berth does not run; add ready: by hand if the app needs one"));
            return null;
        }
        List<String> argv = argv(test);
        if (argv == null) {
            if (!isNone(test)) {
                notes.add(test.note(field + ".test", shown(test) + " is not an HTTP check Berth can make (curl or wget of http://localhost:PORT/PATH);"
                        + " not mapped: ready: can wait for the port (port: true), an HTTP path (http: /path) or a log line (log: \"text\")"));
            }
            return null;
        }
        String problem = null;
        String path = null;
        Matcher url = null;
        List<String> urls = argv.stream().filter(a -> URL.matcher(a).matches()).toList();
        String program = argv.isEmpty() ? "" : argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        if (!program.equals("curl") && !program.equals("wget") || urls.size() != 1) {
            problem = "is not an HTTP check Berth can make (curl or wget of http://localhost:PORT/PATH)";
        } else {
            url = URL.matcher(urls.get(0));
            url.matches();
            String port = url.group(3) == null ? "80" : url.group(3);
            if (!url.group(1).equals("http")) {
                problem = "asks https; ready.http asks plain HTTP on 127.0.0.1";
            } else if (!List.of("localhost", "127.0.0.1", "0.0.0.0", "[::1]").contains(url.group(2))) {
                problem = "asks " + url.group(2) + ", not the container itself";
            } else if (containerPort == null) {
                problem = "checks port " + port + ", but the service publishes no port (ports:)";
            } else if (!port.equals(containerPort)) {
                problem = "checks port " + port + ", not the container's port " + containerPort + " that Berth publishes";
            } else if (!published) {
                problem = "would be ready.http, which asks the app's port on the host, and the service publishes none";
            } else {
                path = url.group(4) == null ? "/" : url.group(4);
            }
        }
        if (problem != null) {
            notes.add(test.note(field + ".test", shown(test) + " " + problem + "; not mapped: add ready: by hand"
                    + " (port: true, http: /path or log: \"text\")"));
            return null;
        }
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("http", path);
        ready.put("timeout", Durations.format(timeout(hc, field)));
        return ready;
    }

    /**
     * How long Berth waits for ready: as long as Compose takes to call the container unhealthy, the
     * first check after one interval: start_period + retries × interval (Compose's defaults when absent:
     * interval 30s, retries 3, start_period 0). The per-check timeout is left out: a check that hangs
     * that long counts as one failure either way.
     */
    private Duration timeout(ComposeValue hc, String field) {
        Duration interval = duration(hc, "interval", field, Duration.ofSeconds(30));
        Duration startPeriod = duration(hc, "start_period", field, Duration.ZERO);
        long retries = 3;
        ComposeValue r = hc.get("retries");
        if (r != null && r.text() != null) {
            if (r.text().strip().matches("\\d{1,6}")) {
                retries = Long.parseLong(r.text().strip());
            } else {
                notes.add(r.note(field + ".retries", "expected a number, got " + r.shown() + "; took Compose's default, 3"));
            }
        }
        return startPeriod.plus(interval.multipliedBy(Math.max(1, retries)));
    }

    private Duration duration(ComposeValue hc, String key, String field, Duration fallback) {
        ComposeValue v = hc.get(key);
        if (v == null || v.text() == null) return fallback;
        try {
            return ComposeValue.duration(v.text());
        } catch (IllegalArgumentException e) {
            notes.add(v.note(field + "." + key, e.getMessage() + "; took Compose's default, " + Durations.format(fallback)));
            return fallback;
        }
    }

    /** The check's program and arguments when it is one plain command; null when it is not (or NONE). */
    private static List<String> argv(ComposeValue test) {
        String shell = null;
        List<String> argv = null;
        if (test.isText()) {
            shell = test.text();
        } else if (test.isList() && !test.list().isEmpty()) {
            List<String> items = new ArrayList<>();
            for (ComposeValue v : test.list()) {
                if (v.text() == null) return null;
                items.add(v.text());
            }
            switch (items.get(0).toUpperCase(Locale.ROOT)) {
                case "CMD" -> argv = items.subList(1, items.size());
                case "CMD-SHELL" -> shell = String.join(" ", items.subList(1, items.size()));
                default -> {
                    return null;
                }
            }
        }
        if (shell != null) {
            String s = EXIT_ON_FAILURE.matcher(shell).replaceFirst("");
            if (SHELL_SYNTAX.matcher(s).find()) return null;
            argv = ComposeValue.words(s);
        }
        return argv;
    }

    private static boolean isNone(ComposeValue test) {
        return test.isList() && !test.list().isEmpty() && "NONE".equalsIgnoreCase(test.list().get(0).text());
    }

    private static String shown(ComposeValue test) {
        if (!test.isList()) return test.shown();
        List<String> items = test.list().stream().map(v -> v.text() == null ? "?" : v.text()).toList();
        if (!items.isEmpty() && List.of("CMD", "CMD-SHELL").contains(items.get(0).toUpperCase(Locale.ROOT))) items = items.subList(1, items.size());
        return new ComposeValue(String.join(" ", items), test.file(), test.line(), null).shown();
    }
}
