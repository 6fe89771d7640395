package dev.berth.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The backups a Compose file's databases suggest (MySQL, MariaDB, PostgreSQL, Redis by their image),
 * written at the end of the berth.yml as a commented-out backups: block: each needs its credentials in
 * an env file first, which the import cannot know.
 */
final class ComposeBackups {
    /** The env file the suggestions name for the dump tools' passwords. */
    static final String ENV_FILE = ".env.backup";

    private final List<String> lines = new ArrayList<>();
    private int count;

    /** The database kind of an image name (its last path segment before the tag), or null. */
    static String kind(String imageName) {
        return switch (imageName) {
            case "postgres" -> "postgres";
            case "mysql", "mariadb" -> "mysql";
            case "redis" -> "redis";
            default -> null;
        };
    }

    /**
     * @param service  the service, for the note's place
     * @param app      the app (and backup) name
     * @param kind     postgres, mysql or redis
     * @param env      the service's environment as written in the berth.yml (before secrets moved)
     * @param hostPort the port it is published on, or null
     * @param command  its command, where redis takes --requirepass
     */
    void suggest(ComposeValue service, String field, String app, String kind, Map<String, String> env, String hostPort,
                 List<String> command, List<String> notes) {
        count++;
        lines.add("  " + app + ":");
        String password;
        switch (kind) {
            case "postgres" -> {
                // the image makes POSTGRES_USER's database when POSTGRES_DB is not set
                String user = env.getOrDefault("POSTGRES_USER", "postgres");
                lines.add("    postgres: " + YamlText.scalar(env.getOrDefault("POSTGRES_DB", user)));
                lines.add("    host: 127.0.0.1");
                port(hostPort);
                lines.add("    user: " + YamlText.scalar(user));
                password = "PGPASSWORD=... (POSTGRES_PASSWORD in the compose file)";
            }
            case "mysql" -> {
                String db = env.getOrDefault("MYSQL_DATABASE", env.get("MARIADB_DATABASE"));
                lines.add("    mysql: " + (db == null ? "DATABASE   # the compose file names none (MYSQL_DATABASE): set the database's name" : YamlText.scalar(db)));
                lines.add("    host: 127.0.0.1");
                port(hostPort);
                lines.add("    user: root");
                password = "MYSQL_PWD=... (MYSQL_ROOT_PASSWORD in the compose file)";
            }
            default -> {
                lines.add("    redis: true");
                lines.add("    host: 127.0.0.1");
                port(hostPort);
                boolean auth = command.contains("--requirepass") || env.containsKey("REDIS_PASSWORD");
                password = auth ? "REDISCLI_AUTH=... (the server's requirepass)" : null;
            }
        }
        if (password != null) lines.add("    env_file: " + ENV_FILE + "   # " + password);
        lines.add("    schedule: daily");
        String what = switch (kind) {
            case "postgres" -> "a PostgreSQL database";
            case "mysql" -> "a MySQL/MariaDB database";
            default -> "a Redis server";
        };
        notes.add(service.note(field, what + ": the end of the berth.yml suggests a backup of it (backups." + app + ", commented out)"
                + (password == null ? "" : "; put " + password.substring(0, password.indexOf('=')) + " in " + ENV_FILE + " and uncomment it")
                + (hostPort == null ? "; the backup needs a published port (ports: \"127.0.0.1:PORT:PORT\"), which " + app
                        + " has none of: Berth's backups reach the database on 127.0.0.1" : "")));
    }

    private void port(String hostPort) {
        lines.add(hostPort == null ? "    # port: the backup needs a published port (the app has none)" : "    port: " + YamlText.scalar(hostPort));
    }

    int count() {
        return count;
    }

    /** The commented-out block, or "" when there is nothing to suggest. */
    String block() {
        if (lines.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("\n# Backups of the databases above, suggested by berth import-compose (docs/berth-yml.md, \"backups\").\n"
                + "# Uncomment them once the password each needs is in " + ENV_FILE + " (0600, out of version control).\n");
        sb.append("# backups:\n");
        for (String l : lines) sb.append("# ").append(l).append('\n');
        return sb.toString();
    }
}
