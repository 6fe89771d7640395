package dev.berth.files;

import java.util.Collection;
import java.util.List;

/**
 * Names a caller gives for things Berth keeps on disk (releases, deployments, backups, checks,
 * heartbeats, apps and their logs). A name is accepted only when it is one of those listed, after
 * all decoding: it is never a path, so `../../outside` or `/tmp/x` cannot reach past the
 * directory it names a member of. The CLI and the API both go through here (the daemon checks,
 * the CLI passes names on); a refusal is {@link Unknown}: exit 4, 404 NOT_FOUND, with the list.
 */
public final class Names {
    private static final int SHOWN = 20;

    private Names() { }

    /** No such thing: a name that is not one of the listed ones (the message says which there are). The CLI exits 4, the API answers 404 NOT_FOUND. */
    public static final class Unknown extends RuntimeException {
        public Unknown(String message) {
            super(message);
        }
    }

    /**
     * given, when it is one of listed; else throws Unknown: `no KIND "given" OWNER; KINDs OWNER: a, b, c`.
     *
     * @param kind  what the name names ("release", "backup")
     * @param owner what it belongs to ("of web"), or null
     */
    public static String requireListed(String kind, String owner, String given, Collection<String> listed) {
        if (given != null && listed.contains(given)) return given;
        throw unknown(kind, owner, given, listed);
    }

    /** The refusal requireListed throws, for callers that decide membership themselves. */
    public static Unknown unknown(String kind, String owner, String given, Collection<String> listed) {
        String of = owner == null ? "" : " " + owner;
        return new Unknown("no " + kind + " " + shown(given) + of + "; " + list(kind + "s" + of, listed));
    }

    /** "KINDS: a, b, c" (the first 20, then how many more), or "there are no KINDS". */
    private static String list(String what, Collection<String> listed) {
        if (listed.isEmpty()) return "there are no " + what;
        List<String> all = List.copyOf(listed);
        String head = String.join(", ", all.subList(0, Math.min(SHOWN, all.size())));
        return what + ": " + head + (all.size() > SHOWN ? " and " + (all.size() - SHOWN) + " more" : "");
    }

    /** The given name quoted, with control characters escaped (it goes into messages and terminals). */
    static String shown(String given) {
        if (given == null) return "(none)";
        StringBuilder sb = new StringBuilder("\"");
        String s = given.length() > 200 ? given.substring(0, 200) + "..." : given;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            else if (c == '"' || c == '\\') sb.append('\\').append(c);
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
