package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The swap statement as data; BackupRestoreIT runs it against MariaDB. */
class MySqlRestoreTest {
    @Test void theTargetsSameNamedTablesGoAsideFirstThenTheRestoredOnesTakeTheirNames() {
        assertEquals("RENAME TABLE `app`.`items` TO `aside`.`items`, `scratch`.`items` TO `app`.`items`, `scratch`.`new` TO `app`.`new`",
                MySqlRestore.renameStatement("app", "scratch", "aside", List.of("items", "new"), Set.of("items")));
    }

    @Test void namesAreQuoted() {
        assertEquals("RENAME TABLE `s`.`a``b` TO `my db`.`a``b`", MySqlRestore.renameStatement("my db", "s", "x", List.of("a`b"), Set.of()));
        assertEquals("'it''s \\\\'", MySqlRestore.str("it's \\"));
    }
}
