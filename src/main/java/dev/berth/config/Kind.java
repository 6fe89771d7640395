package dev.berth.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How one kind of scalar value is read; {@code parse} throws IllegalArgumentException saying what is valid.
 * The kinds berth.yml uses are the constants here.
 */
record Kind<T>(String expected, Function<String, T> parse) {
    static IllegalArgumentException invalid(String expected, String got) {
        String shown = got.length() > 60 ? got.substring(0, 60) + "..." : got;
        return new IllegalArgumentException(expected + ", got \"" + shown + "\"");
    }

    private static final Pattern ASCII_INTEGER = Pattern.compile("[+-]?[0-9]+");

    /** Integer.parseInt of ASCII digits only: parseInt also reads the digits of other scripts ("٣٠٠٠" is 3000 to it). */
    static int asciiInteger(String s) {
        if (!ASCII_INTEGER.matcher(s).matches()) throw new NumberFormatException("not ASCII digits: " + s);
        return Integer.parseInt(s);
    }

    static Kind<Integer> integer(int min, int max, String expected) {
        return new Kind<>(expected, s -> {
            try {
                int n = asciiInteger(s.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the message that says what is valid
            }
            throw invalid(expected, s);
        });
    }

    static final Kind<Boolean> BOOL = new Kind<>("expected true or false", s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw invalid("expected true or false", s);
    });
    static final Kind<Duration> DURATION = new Kind<>(Durations.EXPECTED, Durations::parse);
    static final Kind<Long> SIZE = new Kind<>(Sizes.EXPECTED, s -> {
        long bytes = Sizes.parse(s);
        if (bytes == 0) {
            throw invalid(Sizes.EXPECTED + " and more than 0", s);
        }
        return bytes;
    });
    static final Kind<String> CRON = new Kind<>(CronExpressions.EXPECTED, CronExpressions::validate);
    static final Kind<Integer> INSTANCES = new Kind<>("expected an integer >= 1 or \"max\"", s -> {
        if (s.trim().equals("max")) {
            return Runtime.getRuntime().availableProcessors();
        }
        return integer(1, Integer.MAX_VALUE, "expected an integer >= 1 or \"max\"").parse().apply(s);
    });
    static final Kind<Integer> PORT = integer(1, 65535, "expected a port number from 1 to 65535");
    static final Kind<Integer> MAX_RESTARTS = integer(0, Integer.MAX_VALUE, "expected an integer >= 0");
    static final Kind<Integer> KEEP = integer(1, Integer.MAX_VALUE, "expected an integer >= 1");
    static final String SIGNAL_EXPECTED = "expected one of " + String.join(", ", BerthFileLoader.SIGNALS) + " (SIG prefix optional)";
    static final Kind<String> SIGNAL = new Kind<>(SIGNAL_EXPECTED, s -> {
        String name = s.trim().toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        if (!BerthFileLoader.SIGNALS.contains(name)) {
            throw invalid(SIGNAL_EXPECTED, s);
        }
        return name;
    });
    static final Kind<String> TIMESTAMP = new Kind<>(BerthFileLoader.TIMESTAMP_EXPECTED, s -> {
        String t = s.trim();
        if (t.equalsIgnoreCase("false")) {
            return null;
        }
        return t.equalsIgnoreCase("true") ? BerthFileLoader.DEFAULT_TIMESTAMP : BerthFileLoader.checkTimestampPattern(t);
    });
    static final Kind<String> TEXT = new Kind<>("expected a string", s -> s);
    static final Kind<String> COMPRESS = new Kind<>("expected zstd, gzip or none", s -> switch (s.trim()) {
        case "zstd", "gzip", "none" -> s.trim();
        default -> throw invalid("expected zstd, gzip or none", s);
    });
    /** daily, weekly and monthly at the hours users' setup_cron_backup.sh scripts use. */
    static final Kind<String> SCHEDULE = new Kind<>("expected daily, weekly, monthly or a 5-field cron expression", s -> switch (s.trim()) {
        case "daily" -> "0 2 * * *";
        case "weekly" -> "0 3 * * 0";
        case "monthly" -> "0 4 1 * *";
        default -> CronExpressions.validate(s);
    });
    static final Kind<URI> ENDPOINT = new Kind<>("expected an http:// or https:// URL, like https://s3.amazonaws.com", s -> {
        try {
            URI u = new URI(s.strip());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getRawQuery() != null) {
                throw invalid("expected an http:// or https:// URL, like https://s3.amazonaws.com", s);
            }
            return u;
        } catch (URISyntaxException e) {
            throw invalid("expected an http:// or https:// URL, like https://s3.amazonaws.com", s);
        }
    });
    static final Kind<String> BUCKET = new Kind<>("expected a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens", s -> {
        if (!s.strip().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) throw invalid("expected a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens", s);
        return s.strip();
    });
    /** S3 parts are at least 5 MiB (except the last) and at most 5 GiB. */
    static final Kind<Long> PART_SIZE = new Kind<>("expected a size from 5M to 5G, like 64M", s -> {
        long v = Sizes.parse(s);
        if (v < (5L << 20) || v > (5L << 30)) throw invalid("expected a size from 5M to 5G, like 64M", s);
        return v;
    });
    record HostPort(String host, int port) { }

    static Kind<HostPort> hostPort(Integer defaultPort) {
        String expected = defaultPort == null ? "expected host:port, like 127.0.0.1:5432" : "expected host or host:port, like example.com:443";
        return new Kind<>(expected, s -> {
            String v = s.strip();
            int colon = v.lastIndexOf(':');
            String host = colon < 0 ? v : v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            try {
                int port = colon < 0 ? (defaultPort == null ? -1 : defaultPort) : asciiInteger(v.substring(colon + 1));
                if (host.isEmpty() || port < 1 || port > 65535 || host.contains("/")) throw invalid(expected, s);
                return new HostPort(host, port);
            } catch (NumberFormatException e) {
                throw invalid(expected, s);
            }
        });
    }

    static final Kind<HostPort> HOST_PORT = hostPort(null);
    static final Kind<HostPort> HOST_PORT_443 = hostPort(443);
    static final Kind<URI> HTTP_URL = new Kind<>("expected an http:// or https:// URL", s -> {
        try {
            URI u = new URI(s.strip());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) throw invalid("expected an http:// or https:// URL", s);
            return u;
        } catch (URISyntaxException e) {
            throw invalid("expected an http:// or https:// URL", s);
        }
    });
    static final Kind<String> HTTP_METHOD = new Kind<>("expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS", s -> {
        String m = s.strip().toUpperCase(Locale.ROOT);
        if (!List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS").contains(m)) throw invalid("expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS", s);
        return m;
    });
    static final Kind<Double> PERCENT = new Kind<>("expected a percentage from 0% to 100%, like 85%", s -> {
        String v = s.strip();
        try {
            double d = Double.parseDouble(v.endsWith("%") ? v.substring(0, v.length() - 1).strip() : v);
            if (d < 0 || d > 100 || Double.isNaN(d)) throw invalid("expected a percentage from 0% to 100%, like 85%", s);
            return d;
        } catch (NumberFormatException e) {
            throw invalid("expected a percentage from 0% to 100%, like 85%", s);
        }
    });
    static final Kind<Double> NUMBER = new Kind<>("expected a number >= 0", s -> {
        try {
            double d = Double.parseDouble(s.strip());
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) throw invalid("expected a number >= 0", s);
            return d;
        } catch (NumberFormatException e) {
            throw invalid("expected a number >= 0", s);
        }
    });
    /** Days, as a duration (14d) or a plain number of days. */
    static final Kind<Double> DAYS = new Kind<>("expected a number of days, like 14d", s -> {
        String v = s.strip();
        if (v.matches("\\d+(\\.\\d+)?")) return Double.parseDouble(v);
        return Durations.parse(v).toSeconds() / 86400.0;
    });
    /** Check intervals and quiet windows: at least a second. */
    static final Kind<Duration> INTERVAL = new Kind<>(Durations.EXPECTED + ", at least 1s", s -> {
        Duration d = Durations.parse(s);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) throw invalid(Durations.EXPECTED + ", at least 1s", s);
        return d;
    });
    static final Kind<String> REGEX = new Kind<>("expected a regular expression", s -> {
        try {
            Pattern.compile(s);
            return s;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("expected a regular expression: " + e.getDescription() + " near index " + e.getIndex() + " of \"" + s + "\"");
        }
    });
    static final Kind<String> SMTP_TLS = new Kind<>("expected ssl, starttls or none", s -> switch (s.strip()) {
        case "ssl", "starttls", "none" -> s.strip();
        default -> throw invalid("expected ssl, starttls or none", s);
    });
    static final Kind<String> EMAIL = new Kind<>("expected an email address", s -> {
        if (!s.strip().matches("[^@\\s]+@[^@\\s]+")) throw invalid("expected an email address", s);
        return s.strip();
    });
    /**
     * A value Berth hands a program as an argument (a database, host or user name, a git repository or branch):
     * one starting with - would be read as an option ({@code -oProxyCommand=...}, {@code --help}).
     */
    static final Kind<String> NOT_AN_OPTION = new Kind<>("expected a non-empty string", s -> {
        if (s.isBlank()) throw invalid("expected a non-empty string", s);
        if (s.strip().startsWith("-")) throw invalid("expected a name, not an option: it may not start with -", s.strip());
        return s;
    });
    /** pg_dump and psql read a database "name" with = or a postgres:// prefix as a connection string (host=..., password=...). */
    static final Kind<String> POSTGRES_DATABASE = new Kind<>("expected a database name", s -> {
        String name = NOT_AN_OPTION.parse().apply(s).strip();
        if (name.contains("=") || name.startsWith("postgres://") || name.startsWith("postgresql://")) {
            throw invalid("expected a database name, not a connection string (set host, port and user instead)", name);
        }
        return s;
    });
    /** What git check-ref-format allows of a branch, as far as the command line goes: no option, no space or control character. */
    static final Kind<String> GIT_BRANCH = new Kind<>("expected a branch name", s -> {
        String name = NOT_AN_OPTION.parse().apply(s).strip();
        if (name.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) throw invalid("expected a branch name, without spaces", name);
        return s;
    });
    static final Kind<String> NON_EMPTY = new Kind<>("expected a non-empty string", s -> {
        if (s.isBlank()) {
            throw invalid("expected a non-empty string", s);
        }
        return s;
    });
}
