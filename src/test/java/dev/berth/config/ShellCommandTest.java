package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellCommandTest {
    @ParameterizedTest
    @CsvSource(delimiter = '@', value = {
            "python3 app.py > out.txt   @ exec python3 app.py > out.txt",
            "node ~/server.js           @ exec node ~/server.js",
            "node $HOME/server.js       @ exec node $HOME/server.js",
            "node 'my app.js'           @ exec node 'my app.js'",
            "node *.js                  @ exec node *.js",
            "PORT=1 node server.js      @ exec PORT=1 node server.js",
            "exit 3                     @ exec exit 3",
            "cd /srv                    @ exec cd /srv",
            "exec node server.js        @ exec node server.js",
            "sleep 1; exit 3            @ sleep 1; exit 3",
            "npm run build && npm start @ npm run build && npm start",
            "cat x | grep y             @ cat x | grep y",
            "worker &                   @ worker &",
            "if true; then run; fi      @ if true; then run; fi"})
    void aLineAShellWouldInterpretRunsInAShellExecdWhenItIsOneCommand(String line, String script) {
        assertEquals(List.of("/bin/sh", "-c", script.strip()), new AppSpec.ShellCommand(line.strip()).argv());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '@', value = {
            "node server.js --port 3000       @ node|server.js|--port|3000",
            "  ./bin/server   --listen=:8080  @ ./bin/server|--listen=:8080",
            "java -Xmx512m -jar app-1.2.jar   @ java|-Xmx512m|-jar|app-1.2.jar",
            "gunicorn -w 4 app.wsgi:app       @ gunicorn|-w|4|app.wsgi:app",
            "php-fpm -F --fpm-config /etc/x,y @ php-fpm|-F|--fpm-config|/etc/x,y"})
    void plainWordsAreExecutedWithoutAShell(String line, String words) {
        assertEquals(List.of(words.strip().split("\\|")), new AppSpec.ShellCommand(line).argv());
    }
}
