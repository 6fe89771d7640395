package dev.berth.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    private Dotenv() { }

    /**
     * @throws ConfigException every malformed line, each with the file and its line number
     * @throws IOException     the file cannot be read
     */
    public static LinkedHashMap<String, String> parse(Path file) throws IOException, ConfigException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file);
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
                int close = closingQuote(raw, quote);
                while (close < 0 && i + 1 < lines.size()) {
                    raw.append('\n').append(lines.get(++i));
                    close = closingQuote(raw, quote);
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
                values.put(key, quote == '"' ? unescape(body) : body);
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

    private static int closingQuote(CharSequence s, char quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '"' && c == '\\') {
                i++; // skip the escaped character, which may be a quote
            } else if (c == quote) {
                return i;
            }
        }
        return -1;
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
