package dev.berth.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable syntax in Berth's: values keep their references, to be expanded when Berth loads
 * the berth.yml, not now. Berth reads ${VAR}, ${VAR:-default} and $$ as Compose does; the other forms are
 * rewritten to the nearest of those, and what has none is said in a note.
 */
final class ComposeInterpolation {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern BRACED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?", Pattern.DOTALL);

    /** @param text the value in Berth's syntax; problems what could not be kept, one sentence each */
    record Result(String text, List<String> problems) { }

    private ComposeInterpolation() { }

    static Result translate(String value) {
        StringBuilder out = new StringBuilder(value.length());
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != '$' || i + 1 >= value.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = value.charAt(i + 1);
            if (next == '$') {
                out.append("$$"); // a literal $ in both
                i += 2;
            } else if (next == '{') {
                int close = closing(value, i + 2);
                if (close < 0) {
                    problems.add("\"${\" is never closed; kept as text");
                    out.append("$$").append(value, i + 1, value.length());
                    break;
                }
                out.append(braced(value.substring(i + 2, close), problems));
                i = close + 1;
            } else {
                // $VAR without braces: Compose expands it, Berth would leave it as text
                Matcher m = NAME.matcher(value).region(i + 1, value.length());
                if (m.lookingAt()) {
                    out.append("${").append(m.group()).append('}');
                    i = m.end();
                } else {
                    out.append(c);
                    i++;
                }
            }
        }
        return new Result(out.toString(), List.copyOf(problems));
    }

    /** What is inside ${...}: NAME, NAME:-default and NAME-default, NAME:?error and NAME?error, NAME:+alt and NAME+alt. */
    private static String braced(String inside, List<String> problems) {
        Matcher m = BRACED.matcher(inside);
        if (!m.matches()) {
            problems.add("\"${" + inside + "}\" is not a variable Berth can read; kept as text");
            return "$${" + inside + "}";
        }
        String name = m.group(1);
        String op = m.group(2);
        String rest = m.group(3);
        if (op == null) return "${" + name + "}";
        Result fallback = translate(rest);
        problems.addAll(fallback.problems());
        if (op.endsWith("-") && hasReference(fallback.text())) {
            problems.add("${" + name + op + rest + "} has a variable in its default, which Berth does not expand: became ${" + name + "}");
            return "${" + name + "}";
        }
        return switch (op) {
            case ":-" -> "${" + name + ":-" + fallback.text() + "}";
            case "-" -> {
                problems.add("${" + name + "-" + rest + "} became ${" + name + ":-" + rest + "}: Berth also takes the default when " + name + " is empty");
                yield "${" + name + ":-" + fallback.text() + "}";
            }
            // Berth refuses a berth.yml whose ${VAR} is unset: the same check, with Berth's message
            case ":?", "?" -> "${" + name + "}";
            default -> {
                problems.add("${" + name + op + rest + "} (a value only when " + name + " is set) has no Berth equivalent; kept as text: write the value");
                yield "$${" + name + op + fallback.text() + "}";
            }
        };
    }

    /** The index of the } closing a ${ whose content starts at from, counting nested ${...}; -1 when there is none. */
    private static int closing(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '}') {
                if (depth == 0) return i;
                depth--;
            }
        }
        return -1;
    }

    /** The variables a translated value refers to without a default: Berth refuses to load while one is unset. */
    static List<String> required(String translated) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(translated);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** The literal text of a translated value without references (for an env file, which is not interpolated). */
    static String literal(String translated) {
        return translated.replace("$$", "$");
    }

    /** Whether a translated value refers to a variable (after $$, a "${" is text). */
    static boolean hasReference(String translated) {
        return translated.replace("$$", "").contains("${");
    }
}
