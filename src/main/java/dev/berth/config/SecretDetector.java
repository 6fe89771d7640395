package dev.berth.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells whether a literal value in a config looks like a secret, from its key's name or its shape.
 * Shared by {@link SecretLint} (warns) and {@link Pm2Import} (moves such values to an env file).
 * It errs towards warning: a false alarm costs a glance, a missed key may cost a breach.
 */
final class SecretDetector {

    /** Why a value looks secret, and a variable name to suggest for it when the key gives none. */
    record Finding(String reason, String suggestedName) { }

    private record Shape(Pattern pattern, String reason, String suggestedName) { }

    private static final List<Shape> SHAPES = List.of(
            new Shape(Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"), "looks like a private key", "PRIVATE_KEY"),
            new Shape(Pattern.compile("(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])"), "looks like an AWS access key id", "AWS_ACCESS_KEY_ID"),
            // each shape that a long run of its own characters could start at every position begins where that run begins,
            // so that a long value is searched in linear time, not from every position again
            new Shape(Pattern.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "looks like a JWT", "TOKEN"),
            new Shape(Pattern.compile("xox[baprs]-[A-Za-z0-9-]{10,}"), "looks like a Slack token", "SLACK_TOKEN"),
            new Shape(Pattern.compile("(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{10,}"), "looks like a Stripe secret key", "STRIPE_SECRET_KEY"),
            new Shape(Pattern.compile("(?<![A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
                    "looks like a GitHub token", "GITHUB_TOKEN"),
            // scheme://user:password@host; the password part is what makes it secret
            new Shape(Pattern.compile("(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:[^/\\s@]+@"), "is a URL with a password in it", "URL"));

    /** Key names that say "secret"; auth only as its own word, so AUTHOR is not one. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "password|passwd|secret|token|api_?key|private_?key|access_?key|(^|[^a-z])o?auth([^a-z]|$)");
    private static final Pattern PASSWORD_NAME = Pattern.compile("password|passwd");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern BOOLEAN = Pattern.compile("true|false|yes|no|on|off", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S*");
    private static final Pattern PATH = Pattern.compile("(/|\\./|\\.\\./|~/)\\S*|[\\w.-]+(/[\\w.-]+)+/?");
    private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[\\s=,;\"'()\\[\\]{}<>]+");

    private SecretDetector() { }

    /**
     * @param key   the key the value is under (an env name, a setting), or null for a list item
     * @param value the value as written in the file
     */
    static Optional<Finding> inspect(String key, String value) {
        if (value == null || value.isBlank() || Interpolation.hasReference(value)) {
            return Optional.empty(); // empty, or already read from the environment: nothing to move
        }
        for (Shape shape : SHAPES) {
            if (shape.pattern().matcher(value).find()) {
                return Optional.of(new Finding(shape.reason(), shape.suggestedName()));
            }
        }
        if (key != null) {
            String name = key.toLowerCase(Locale.ROOT);
            var m = SECRET_NAME.matcher(name);
            if (m.find() && !harmless(name, value.strip())) {
                String word = m.group().replaceAll("[^a-z_]", "");
                return Optional.of(new Finding("its name contains \"" + word + "\"", "SECRET"));
            }
        }
        for (String token : TOKEN_SEPARATORS.split(value)) {
            if (looksRandom(token)) {
                return Optional.of(new Finding("looks like a random key or token", "SECRET"));
            }
        }
        return Optional.empty();
    }

    /** Values under a secret-sounding name that are settings, not secrets: TOKEN_TTL: 3600, AUTH_ENABLED: true, a path. */
    private static boolean harmless(String name, String value) {
        if (BOOLEAN.matcher(value).matches()) {
            return true;
        }
        if (NUMBER.matcher(value).matches()) {
            return !PASSWORD_NAME.matcher(name).find(); // a number under PASSWORD is still a password
        }
        return URL.matcher(value).matches() || PATH.matcher(value).matches();
    }

    /** At least 24 characters of letters and digits mixed, and close to random (Shannon entropy > 3.5 bits/char). */
    static boolean looksRandom(String token) {
        if (token.length() < 24 || URL.matcher(token).matches() || PATH.matcher(token).matches()) {
            return false;
        }
        boolean letters = token.chars().anyMatch(Character::isLetter);
        boolean digits = token.chars().anyMatch(Character::isDigit);
        return letters && digits && entropy(token) > 3.5;
    }

    static double entropy(String s) {
        int[] counts = new int[128];
        int other = 0;
        for (char c : s.toCharArray()) {
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double bits = 0;
        for (int n : counts) {
            if (n > 0) {
                double p = (double) n / s.length();
                bits -= p * Math.log(p) / Math.log(2);
            }
        }
        if (other > 0) {
            double p = (double) other / s.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }

    /** What a message may show of a secret: its first 3 characters when it is long enough to stay secret. */
    static String preview(String value) {
        return value.length() >= 12 ? value.substring(0, 3) + "***" : "***";
    }
}
