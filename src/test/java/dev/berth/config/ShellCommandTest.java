package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellCommandTest {
    @ParameterizedTest
    @CsvSource(delimiter = '@', value = {
            "node server.js --port 3000 @ exec node server.js --port 3000",
            "python3 app.py > out.txt   @ exec python3 app.py > out.txt",
            "sleep 1; exit 3            @ sleep 1; exit 3",
            "npm run build && npm start @ npm run build && npm start",
            "cat x | grep y             @ cat x | grep y",
            "worker &                   @ worker &",
            "if true; then run; fi      @ if true; then run; fi"})
    void aSimpleCommandIsExecdACompoundOneKeepsItsShell(String line, String script) {
        assertEquals(java.util.List.of("/bin/sh", "-c", script.strip()), new AppSpec.ShellCommand(line.strip()).argv());
    }
}
