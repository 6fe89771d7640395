package dev.berth.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}}, {@code ${VAR:-default}} (default when VAR is unset or empty) and {@code $$} (a literal $)
 * in berth.yml values. Any other $ is left alone, so shell syntax in a {@code run:} line
 * ({@code $HOME}, {@code $1}) passes through to the shell.
 */
final class Interpolation {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final String TOO_LONG = "with ${VAR} expanded, the values of this file come to more than "
            + Sizes.format(YamlSource.MAX_EXPANDED) + " characters";

    /** The value with every reference replaced, or the problems found in it (one per bad reference). */
    record Result(String value, List<String> problems) { }

    private Interpolation() { }

    static boolean hasReference(String text) {
        return text.contains("${");
    }

    /**
     * The text with its references expanded, stopping with a problem (and a null value) once it would be longer
     * than maxLength: a short line of ${VAR} can stand for gigabytes.
     */
    static Result expand(String text, Function<String, String> lookup, long maxLength) {
        StringBuilder out = new StringBuilder((int) Math.min(text.length(), maxLength));
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (out.length() > maxLength) {
                return new Result(null, List.of(TOO_LONG));
            }
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    problems.add("\"${\" is never closed; write $${ for a literal \"${\"");
                    break;
                }
                String inside = text.substring(i + 2, close);
                int sep = inside.indexOf(":-");
                String name = sep < 0 ? inside : inside.substring(0, sep);
                String fallback = sep < 0 ? null : inside.substring(sep + 2);
                if (!NAME.matcher(name).matches()) {
                    String shown = inside.length() > 60 ? inside.substring(0, 60) + "..." : inside;
                    problems.add("\"${" + shown + "}\" is not a valid reference: expected ${NAME} or ${NAME:-default}"
                            + " (NAME made of letters, digits and _)");
                } else {
                    String value = lookup.apply(name);
                    if ((value == null || value.isEmpty()) && fallback != null) {
                        value = fallback;
                    }
                    if (value != null && out.length() + (long) value.length() > maxLength) {
                        return new Result(null, List.of(TOO_LONG));
                    } else if (value == null) {
                        problems.add("variable ${" + name + "} is not set: set " + name
                                + " in the environment or in an env_file, or give a default with ${" + name + ":-value}");
                    } else {
                        out.append(value);
                    }
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        if (out.length() > maxLength) {
            return new Result(null, List.of(TOO_LONG));
        }
        return new Result(out.toString(), problems);
    }

    /** Escapes text so that {@link #expand} gives it back unchanged. */
    static String escape(String literal) {
        return literal.replace("$", "$$");
    }
}
