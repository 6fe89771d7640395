package dev.berth.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads .env files, the form most apps already keep their secrets in:
 * <pre>
 * # comment
 * export DATABASE_URL=postgres://app@localhost/app
 * API_KEY='literal, no escapes'
 * GREETING="two\nlines"          # \n \r \t \" \\ in double quotes
 * EMPTY=
 * </pre>
 * Quoted values may span lines (PEM keys). Nothing is interpolated: a .env value is taken as written.
 * A later line wins over an earlier one with the same key, as in a shell.
 */
public final class Dotenv {
    private static final Pattern LINE = Pattern.compile("\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");
    static final String EXPECTED = "expected KEY=VALUE (KEY made of letters, digits and _, not starting with a digit)";
    static final String NUL = "the value holds a NUL character, which no environment variable can carry";

    private Dotenv() { }

    /**
     * @throws ConfigException every malformed line, each with the file and its line number
     * @throws IOException     the file cannot be read
     */
    public static LinkedHashMap<String, String> parse(Path file) throws IOException, ConfigException {
        return parse(InputFiles.read(file), file);
    }

    /** The env file's bytes (at most {@link InputFiles#MAX_BYTES}), as UTF-8. */
    static LinkedHashMap<String, String> parse(byte[] bytes, Path file) throws ConfigException {
        return parse(InputFiles.utf8(bytes, file).lines().toList(), file);
    }

    static LinkedHashMap<String, String> parse(List<String> lines, Path file) throws ConfigException {
        LinkedHashMap<String, String> values = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripBom(lines.get(i), i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                // the line is not echoed: it may well hold a secret
                problems.add(new ConfigProblem(file, lineNo, 1, null, EXPECTED));
                continue;
            }
            String key = m.group(1);
            String rest = m.group(2);
            int valueColumn = m.start(2) + 1;
            if (rest.startsWith("'") || rest.startsWith("\"")) {
                char quote = rest.charAt(0);
                // a quoted value may go on over the following lines until its closing quote
                StringBuilder raw = new StringBuilder(rest.substring(1));
                // each line is searched once: the search goes on where it stopped
                int from = 0;
                int close = -1;
                while (true) {
                    int found = closingQuote(raw, quote, from);
                    if (found >= 0) {
                        close = found;
                        break;
                    }
                    if (i + 1 >= lines.size()) break;
                    from = -found - 1;
                    raw.append('\n').append(lines.get(++i));
                }
                if (close < 0) {
                    problems.add(new ConfigProblem(file, lineNo, valueColumn, key, "the value's " + quote + " is never closed"));
                    continue;
                }
                String after = raw.substring(close + 1).strip();
                if (!after.isEmpty() && !after.startsWith("#")) {
                    problems.add(new ConfigProblem(file, i + 1, 1, key,
                            "unexpected text after the closing " + quote + " (only a # comment may follow)"));
                    continue;
                }
                String body = raw.substring(0, close);
                String value = quote == '"' ? unescape(body) : body;
                if (value.indexOf('\0') >= 0) {
                    problems.add(new ConfigProblem(file, lineNo, valueColumn, key, NUL));
                    continue;
                }
                values.put(key, value);
            } else if (rest.indexOf('\0') >= 0) {
                problems.add(new ConfigProblem(file, lineNo, valueColumn + rest.indexOf('\0'), key, NUL));
            } else {
                values.put(key, stripInlineComment(rest));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return values;
    }

    /** One KEY=VALUE line that {@link #parse} reads back as exactly {@code value}. */
    public static String format(String key, String value) {
        if (!value.contains("'") && !value.contains("\n") && !value.contains("\r")) {
            return key + "='" + value + "'";
        }
        StringBuilder sb = new StringBuilder(key).append("=\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** The index of the closing quote at or after {@code from}; when there is none, -1 - where to go on once more text is appended. */
    private static int closingQuote(CharSequence s, char quote, int from) {
        int i = from;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '"' && c == '\\') {
                i++; // skip the escaped character, which may be a quote
            } else if (c == quote) {
                return i;
            }
        }
        return -1 - i;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case '"', '\\' -> sb.append(n);
                    default -> sb.append('\\').append(n); // unknown escapes stay as written
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** "value # note" -> "value"; a # inside a word ("pa#ss") is part of the value. */
    private static String stripInlineComment(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
                return s.substring(0, i).strip();
            }
        }
        return s.strip();
    }

    private static String stripBom(String line, int index) {
        return index == 0 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
