package dev.berth.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A listed name is taken as it is; anything else is refused, saying what there is. */
class NamesTest {
    private static String refusal(String given, List<String> listed) {
        return assertThrows(Names.Unknown.class, () -> Names.requireListed("release", "of web", given, listed)).getMessage();
    }

    @Test void aListedNameIsTakenAsItIs() {
        assertEquals("20260101-000000", Names.requireListed("release", "of web", "20260101-000000", List.of("20260101-000000")));
    }

    @Test void anythingElseIsRefusedWithTheList() {
        List<String> two = List.of("b", "a");
        assertEquals("no release \"../../outside\" of web; releases of web: b, a", refusal("../../outside", two));
        assertEquals("no release \"/tmp/x\" of web; releases of web: b, a", refusal("/tmp/x", two));
        assertEquals("no release \"a/\" of web; releases of web: b, a", refusal("a/", two));
        assertEquals("no release \"A\" of web; releases of web: b, a", refusal("A", two));
        assertEquals("no release \"\" of web; releases of web: b, a", refusal("", two));
        assertEquals("no release (none) of web; releases of web: b, a", refusal(null, two));
        assertEquals("no release \"x\" of web; there are no releases of web", refusal("x", List.of()));
        assertEquals("no release \"a\\x0a\\x1b[2J\\\"\" of web; releases of web: b, a", refusal("a\n\u001b[2J\"", two), "control characters are escaped");
        List<String> many = IntStream.range(0, 25).mapToObj(i -> "r" + i).toList();
        assertEquals("no release \"x\" of web; releases of web: " + String.join(", ", many.subList(0, 20)) + " and 5 more", refusal("x", many));
    }
}
