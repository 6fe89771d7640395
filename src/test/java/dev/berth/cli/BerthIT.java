package dev.berth.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the integration tests: a fresh BERTH_HOME and project per test, everything killed after. */
abstract class BerthIT {
    @TempDir Path tmp;
    BerthRun berth;

    @BeforeEach void startBerthRun() throws Exception {
        berth = new BerthRun(tmp);
    }

    @AfterEach void closeBerthRun() {
        berth.close();
    }
}
