package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.AppSpec.HttpReady;
import dev.berth.config.ContainerSpec.Build;
import dev.berth.config.ContainerSpec.Gpus;
import dev.berth.config.ContainerSpec.Volume;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeImportTest {
    @TempDir Path dir;

    /** Shaped like the seeds' docker-compose.prod.yml: nginx in front, a built backend and frontend, MySQL and Redis. */
    private static final String PRODUCTION = """
            version: "3.8"

            x-logging: &default-logging
              driver: json-file
              options:
                max-size: "10m"

            services:
              nginx:
                image: nginx:alpine
                ports:
                  - "80:80"
                  - "443:443"
                volumes:
                  - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
                  - ./nginx/conf.d:/etc/nginx/conf.d:ro
                  - ./certbot/conf:/etc/letsencrypt:ro
                depends_on:
                  - frontend
                  - backend
                restart: unless-stopped

              frontend:
                build: ./frontend
                ports:
                  - "3000:3000"
                depends_on:
                  - backend
                restart: unless-stopped

              backend:
                build:
                  context: ./backend
                  dockerfile: Dockerfile
                  target: production
                  args:
                    NODE_VERSION: "18"
                image: ai-photo-backend:latest
                env_file: ./backend/.env
                environment:
                  NODE_ENV: production
                  DB_HOST: mysql
                  DB_PASSWORD: S3cure-Db-Passw0rd
                  JWT_SECRET: ${JWT_SECRET}
                  LOG_LEVEL: ${LOG_LEVEL:-info}
                ports:
                  - "3001:3001"
                volumes:
                  - ./uploads:/app/uploads
                  - backend_logs:/app/logs
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost:3001/health"]
                  interval: 10s
                  timeout: 5s
                  retries: 5
                  start_period: 20s
                depends_on:
                  mysql:
                    condition: service_healthy
                  redis:
                    condition: service_healthy
                deploy:
                  resources:
                    limits:
                      cpus: '2.0'
                      memory: 1536M
                    reservations:
                      memory: 512M
                logging: *default-logging
                stop_grace_period: 1m30s
                restart: unless-stopped

              mysql:
                image: mysql:8.0
                environment:
                  MYSQL_ROOT_PASSWORD: r00t-Passw0rd-here
                  MYSQL_DATABASE: ai_photo
                ports:
                  - "127.0.0.1:3306:3306"
                volumes:
                  - mysql_data:/var/lib/mysql
                  - ./mysql/init:/docker-entrypoint-initdb.d:ro
                healthcheck:
                  test: ["CMD", "mysqladmin", "ping", "-h", "localhost"]
                  interval: 10s
                  retries: 5
                mem_limit: 1g
                restart: always

              redis:
                image: redis:7-alpine
                command: redis-server --appendonly yes --requirepass ${REDIS_PASSWORD:-changeme}
                ports:
                  - "6379:6379"
                volumes:
                  - redis_data:/data
                healthcheck:
                  test: redis-cli ping
                restart: "no"

            volumes:
              mysql_data:
              redis_data:
              backend_logs:
            """;

    @Test
    void aProductionFileBecomesContainerAppsThatLoad() throws Exception {
        Path project = Files.createDirectories(dir.resolve("shop"));
        Path compose = write(project, "docker-compose.yml", PRODUCTION);
        write(project, "backend/Dockerfile", "FROM node:18 AS production\n");
        write(project, "backend/.env", "JWT_SECRET=from-the-env-file\n");
        write(project, "frontend/Dockerfile", "FROM nginx\n");
        Files.createDirectories(project.resolve("uploads"));
        Files.createDirectories(project.resolve("mysql/init"));

        ComposeImport.Result r = new ComposeImport().convert(compose, List.of(), project.resolve("berth.yml"), project.resolve(".env.berth"));

        assertEquals(4, r.apps());
        assertEquals(2, r.secretsMoved());
        assertEquals(2, r.backupsSuggested());
        String yml = Files.readString(r.berthYml());
        assertTrue(yml.startsWith("# berth.yml converted by berth import-compose from " + compose + "\n"), yml);
        assertFalse(yml.contains("S3cure") || yml.contains("r00t"), yml);
        String env = Files.readString(r.envFile());
        assertTrue(env.contains("DB_PASSWORD='S3cure-Db-Passw0rd'\n") && env.contains("MYSQL_ROOT_PASSWORD='r00t-Passw0rd-here'\n"), env);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.envFile())));

        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(r.berthYml(), null);
        // every depends_on comes first; nginx is not an app
        assertEquals(List.of("mysql", "redis", "backend", "frontend"), f.apps().stream().map(AppSpec::name).toList());

        AppSpec backend = f.app("backend").orElseThrow();
        assertEquals(List.of("mysql", "redis"), backend.after(), "depends_on: Berth starts backend once they are up");
        ContainerSpec bc = backend.container();
        assertEquals("ai-photo-backend:latest", bc.image(), "with build, the image is the tag it is built as");
        assertEquals(new Build(project.resolve("backend"), "Dockerfile", "production", Map.of("NODE_VERSION", "18")), bc.build());
        assertEquals(3001, backend.port());
        assertEquals(3001, bc.port());
        // start_period + retries x interval = 20s + 5 x 10s
        assertEquals(new HttpReady("/health", Duration.ofSeconds(70)), backend.ready());
        assertEquals(1536L << 20, bc.memory());
        assertEquals(2.0, bc.cpus());
        assertEquals(Duration.ofSeconds(90), backend.killTimeout());
        assertTrue(backend.restart().autorestart());
        assertEquals(List.of(new Volume(project.resolve("uploads").toString(), false, "/app/uploads", false),
                new Volume("backend_logs", true, "/app/logs", false)), bc.volumes());
        assertEquals("production", backend.env().get("NODE_ENV"));
        assertEquals("S3cure-Db-Passw0rd", backend.env().get("DB_PASSWORD"), "read back from the env file");
        assertEquals("from-the-env-file", backend.env().get("JWT_SECRET"), "${JWT_SECRET} kept, resolved from backend/.env");
        assertEquals("info", backend.env().get("LOG_LEVEL"));
        assertTrue(yml.contains("JWT_SECRET: \"${JWT_SECRET}\"") && yml.contains("DB_PASSWORD: \"${DB_PASSWORD}\""), yml);
        assertTrue(yml.contains("env_file: [backend/.env, .env.berth]"), yml);
        assertTrue(yml.contains("volumes: [\"./uploads:/app/uploads\", \"backend_logs:/app/logs\"]"), "relative to the berth.yml: " + yml);

        AppSpec frontend = f.app("frontend").orElseThrow();
        assertEquals(new Build(project.resolve("frontend"), null, null, Map.of()), frontend.container().build());
        assertEquals("localhost/berth-frontend:latest", frontend.container().image());
        assertEquals(3000, frontend.port());
        assertNull(frontend.ready());

        AppSpec mysql = f.app("mysql").orElseThrow();
        assertEquals("docker.io/library/mysql:8.0", mysql.container().image());
        assertEquals(3306, mysql.port());
        assertEquals(1L << 30, mysql.container().memory());
        assertNull(mysql.ready(), "mysqladmin ping is not an HTTP check");
        assertEquals(List.of(new Volume("mysql_data", true, "/var/lib/mysql", false),
                new Volume(project.resolve("mysql/init").toString(), false, "/docker-entrypoint-initdb.d", true)), mysql.container().volumes());
        assertEquals("r00t-Passw0rd-here", mysql.env().get("MYSQL_ROOT_PASSWORD"));

        AppSpec redis = f.app("redis").orElseThrow();
        assertEquals("docker.io/library/redis:7-alpine", redis.container().image());
        assertEquals(List.of("redis-server", "--appendonly", "yes", "--requirepass", "changeme"), redis.container().command());
        assertFalse(redis.restart().autorestart(), "restart: \"no\"");

        List<String> expected = List.of(
                "docker-compose.yml:1: version: not mapped (obsolete: Compose ignores it too)",
                "docker-compose.yml:3: x-logging: an extension field: not mapped",
                "docker-compose.yml:9: services.nginx: not an app: Berth's front door",
                "docker-compose.yml:38: services.backend.image: with build:, the image Berth builds is tagged ai-photo-backend:latest",
                "docker-compose.yml:40: services.backend.environment: DB_HOST names the service mysql, which does not resolve from Berth's containers",
                "docker-compose.yml:79: services.mysql.ports: Compose published \"127.0.0.1:3306:3306\" on 127.0.0.1 only; Berth publishes port: 3306 on every address",
                "docker-compose.yml:84: services.mysql.healthcheck.test: \"mysqladmin ping -h localhost\" is not an HTTP check Berth can make",
                "docker-compose.yml:88: services.mysql.restart: always is dropped: Berth supervises the app",
                "docker-compose.yml:69: services.backend.logging: not mapped (Berth keeps the container's output in its own log files",
                "docker-compose.yml:68: services.backend.deploy.resources.reservations.memory: not mapped (Berth sets limits, not reservations)",
                "docker-compose.yml:58: services.backend.depends_on.mysql: service_healthy: backend has after: [mysql], but mysql has no ready: check Berth could map",
                "docker-compose.yml:60: services.backend.depends_on.redis: service_healthy: backend has after: [redis], but redis has no ready: check Berth could map",
                "docker-compose.yml:73: services.mysql: a MySQL/MariaDB database: the end of the berth.yml suggests a backup of it (backups.mysql, commented out)",
                "docker-compose.yml:90: services.redis: a Redis server: the end of the berth.yml suggests a backup of it");
        for (String note : expected) {
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(note)), note + "\n in " + String.join("\n", r.notes()));
            assertTrue(yml.contains("#   - " + note), "the notes are in the header too: " + note);
        }
        String nginx = r.notes().stream().filter(n -> n.contains("services.nginx:")).findFirst().orElseThrow();
        assertTrue(nginx.contains("add sites: to the berth.yml") && nginx.contains(": they are in its configuration,"
                + " ./nginx/nginx.conf (mounted at /etc/nginx/nginx.conf), ./nginx/conf.d (mounted at /etc/nginx/conf.d).")
                && nginx.contains("tls: acme"), nginx);
        String volume = r.notes().stream().filter(n -> n.contains("mysql_data is")).findFirst().orElseThrow();
        assertTrue(volume.contains("shop_mysql_data"), "Compose's name of the volume, with its project prefix: " + volume);

        // the suggested backups are comments; uncommented, they are backups Berth loads
        assertFalse(f.backup("mysql").isPresent());
        int at = yml.indexOf("\n# backups:\n");
        assertTrue(at > 0, yml);
        StringBuilder uncommented = new StringBuilder(yml.substring(0, at + 1));
        for (String line : yml.substring(at + 1).split("\n")) uncommented.append(line.startsWith("# ") ? line.substring(2) : line).append('\n');
        write(project, "berth.yml", uncommented.toString());
        write(project, ComposeBackups.ENV_FILE, "MYSQL_PWD=x\nREDISCLI_AUTH=y\n");
        BerthFile withBackups = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(project.resolve("berth.yml"), null);
        assertEquals(new BackupSpec.MySql("ai_photo", "127.0.0.1", 3306, "root"), withBackups.backup("mysql").orElseThrow().source());
        assertEquals(new BackupSpec.Redis("127.0.0.1", 6379), withBackups.backup("redis").orElseThrow().source());
        assertEquals("0 2 * * *", withBackups.backup("mysql").orElseThrow().schedule());
    }

    /** Shaped like the seeds' docker-compose.gpu.yml, and the other ways a Compose file asks for GPUs. */
    private static final String GPU = """
            services:
              app:
                build: .
                runtime: nvidia
                ports:
                  - "3000:3000"
                environment:
                  NODE_ENV: production
                  KOKORO_DEVICE: cuda
                device_requests:
                  - driver: nvidia
                    count: -1
                    capabilities: [[gpu, utility]]
                healthcheck:
                  test: ["CMD-SHELL", "wget -qO- http://127.0.0.1:3000/api/health || exit 1"]
                  interval: 30s
                  start_period: 60s
              api:
                image: localhost/api:1
                device_requests:
                  - Driver: nvidia
                    Count: -1
                    Capabilities: [[gpu]]
              tts:
                image: localhost/kokoro-tts:latest
                deploy:
                  resources:
                    reservations:
                      devices:
                        - driver: nvidia
                          count: 1
                          capabilities: [gpu]
              whisper:
                image: ghcr.io/example/whisper:1.2
                deploy:
                  resources:
                    reservations:
                      devices:
                        - driver: nvidia
                          device_ids: ["0", "2"]
                          capabilities: [gpu]
              every:
                image: localhost/every:1
                deploy:
                  resources:
                    reservations:
                      devices:
                        - capabilities: [gpu]
                          count: all
              legacy:
                image: localhost/legacy:1
                runtime: nvidia
                environment:
                  NVIDIA_VISIBLE_DEVICES: "1,3"
              dev:
                image: localhost/dev:1
                devices:
                  - /dev/nvidia1:/dev/nvidia1
                  - /dev/nvidiactl:/dev/nvidiactl
                  - /dev/snd:/dev/snd
              cpu:
                image: localhost/cpu:1
                deploy:
                  resources:
                    reservations:
                      devices:
                        - capabilities: [tpu]
            """;

    @Test
    void gpuRequestsBecomeContainerGpus() throws Exception {
        Path compose = write(dir, "docker-compose.gpu.yml", GPU);
        write(dir, "Dockerfile", "FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\n");
        ComposeImport.Result r = new ComposeImport().convert(compose, List.of(), dir.resolve("berth.yml"), dir.resolve(".env.berth"));
        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(r.berthYml(), null);

        AppSpec app = f.app("app").orElseThrow();
        assertEquals(Gpus.everyOne(), app.container().gpus(), "device_requests count -1 (Docker's API for all)");
        assertEquals("cuda", app.env().get("KOKORO_DEVICE"));
        // start_period + Compose's default retries x interval: 60s + 3 x 30s
        assertEquals(new HttpReady("/api/health", Duration.ofSeconds(150)), app.ready());
        assertEquals(Gpus.everyOne(), f.app("api").orElseThrow().container().gpus(), "Docker's API spelling, without runtime: nvidia");
        assertEquals(new Gpus(false, 1, List.of()), f.app("tts").orElseThrow().container().gpus());
        assertEquals(new Gpus(false, null, List.of("0", "2")), f.app("whisper").orElseThrow().container().gpus());
        assertEquals("ghcr.io/example/whisper:1.2", f.app("whisper").orElseThrow().container().image(), "an image with a registry stays as written");
        assertEquals(Gpus.everyOne(), f.app("every").orElseThrow().container().gpus());
        assertEquals(new Gpus(false, null, List.of("1", "3")), f.app("legacy").orElseThrow().container().gpus(), "runtime: nvidia with NVIDIA_VISIBLE_DEVICES");
        ContainerSpec dev = f.app("dev").orElseThrow().container();
        assertEquals(new Gpus(false, null, List.of("1")), dev.gpus());
        assertEquals(List.of("--device=/dev/snd:/dev/snd"), dev.engineArgs(), "other devices pass through; nvidiactl comes with the GPU");
        assertNull(f.app("cpu").orElseThrow().container().gpus());
        assertTrue(r.notes().contains("docker-compose.gpu.yml:67: services.cpu.deploy.resources.reservations.devices[0]: not mapped:"
                + " only GPU devices (capabilities: [gpu]) have a Berth equivalent (container.gpus)"), String.join("\n", r.notes()));
    }

    @Test
    void overrideFilesAreMergedOverTheBase() throws Exception {
        Path base = write(dir, "docker-compose.yml", """
                services:
                  web:
                    image: example/web:1.0
                    command: ["node", "server.js"]
                    ports:
                      - "3000:3000"
                      - "9229:9229"
                    environment:
                      NODE_ENV: development
                      LOG_LEVEL: debug
                    volumes:
                      - ./data:/app/data
                      - cache:/app/cache
                    healthcheck:
                      test: curl -f http://localhost:3000/healthz
                    deploy:
                      replicas: 1
                      resources:
                        limits:
                          memory: 256M
                          cpus: "0.5"
                  worker:
                    image: example/worker:1.0
                """);
        Path override = write(dir, "docker-compose.prod.yml", """
                services:
                  web:
                    image: example/web:1.1
                    command: ["node", "dist/server.js", "--prod"]
                    ports:
                      - "8080:3000"
                    environment:
                      - NODE_ENV=production
                      - SENTRY_DSN=https://public@sentry.example.com/1
                    volumes:
                      - ./data-prod:/app/data:ro
                    healthcheck: !reset null
                    deploy:
                      replicas: 2
                      resources:
                        limits:
                          memory: 1G
                    container_name: web-prod
                  worker:
                    environment:
                      QUEUE: default
                  extra:
                    image: example/extra:1
                """);
        Files.createDirectories(dir.resolve("data-prod"));
        ComposeImport.Result r = new ComposeImport().convert(base, List.of(override), dir.resolve("berth.yml"), dir.resolve(".env.berth"));
        assertTrue(Files.readString(r.berthYml()).startsWith("# berth.yml converted by berth import-compose from " + base + " + " + override + "\n"));
        BerthFile f = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(r.berthYml(), null);
        assertEquals(List.of("web", "worker", "extra"), f.apps().stream().map(AppSpec::name).toList());

        AppSpec web = f.app("web").orElseThrow();
        assertEquals("docker.io/example/web:1.1", web.container().image(), "a scalar replaces");
        assertEquals(List.of("node", "dist/server.js", "--prod"), web.container().command(), "a list replaces");
        assertEquals(8080, web.port(), "ports merge by the container's port");
        assertEquals(3000, web.container().port());
        assertEquals(Map.of("NODE_ENV", "production", "LOG_LEVEL", "debug", "SENTRY_DSN", "https://public@sentry.example.com/1"), web.env(),
                "environment merges by name, the list form too");
        assertEquals(List.of(new Volume(dir.resolve("data-prod").toString(), false, "/app/data", true), new Volume("cache", true, "/app/cache", false)),
                web.container().volumes(), "volumes merge by the path in the container");
        assertNull(web.ready(), "!reset removes the base's healthcheck");
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("healthcheck")), "nothing is left of it: " + r.notes());
        assertEquals(2, web.instances());
        assertEquals(1L << 30, web.container().memory(), "mappings merge key by key");
        assertEquals(0.5, web.container().cpus(), "what the override does not name stays");
        assertEquals(Map.of("QUEUE", "default"), f.app("worker").orElseThrow().env());
        assertTrue(r.notes().contains("docker-compose.yml:7: services.web.ports: \"9229:9229\" is not mapped: Berth publishes one port per app"
                + " (port:, container.port); add container.engine_args: [--publish=9229:9229] to publish it too (one instance only)"),
                "the base's other port stays: " + r.notes());
        assertTrue(r.notes().contains("docker-compose.prod.yml:18: services.web.container_name: not mapped"
                + " (Berth names each container berth-<app>-<instance>-<random>)"), "notes name the override file: " + r.notes());
    }

    @Test
    void everyKeyWithoutAnEquivalentIsANoteWithItsLine() throws Exception {
        Path compose = write(dir, "docker-compose.yml", """
                version: "3"
                name: demo
                x-common: &common
                  restart: "no"
                  environment:
                    TZ: Asia/Shanghai
                  mem_limit: 256m

                services:
                  Web_App:
                    <<: *common
                    image: localhost/web:1
                    container_name: demo_web
                    networks: [front]
                    links: [db]
                    logging:
                      driver: json-file
                    labels:
                      team: web
                    extra_hosts:
                      - "api.local:10.0.0.5"
                    profiles: [prod]
                    secrets: [db_password]
                    configs: [nginx_conf]
                    expose: ["9000"]
                    entrypoint: ["/docker-entrypoint.sh", "--verbose"]
                    command: serve --port 8080 --name 'my app'
                    x-notes: anything
                    frobnicate: true
                    ports:
                      - "8080"
                    volumes:
                      - /var/cache/web
                  db:
                    image: localhost/db:1
                    ports:
                      - "9000"
                      - "15432:5432"

                networks:
                  front:
                secrets:
                  db_password:
                    file: ./db_password.txt
                configs:
                  nginx_conf:
                    file: ./nginx.conf
                """);
        ComposeImport.Result r = new ComposeImport().convert(compose, List.of(), dir.resolve("berth.yml"), dir.resolve(".env.berth"));
        List<String> expected = List.of(
                "docker-compose.yml:1: version: not mapped (obsolete: Compose ignores it too)",
                "docker-compose.yml:2: name: not mapped (the project's name: Berth's apps are named after the services)",
                "docker-compose.yml:3: x-common: an extension field: not mapped (the anchors in it still work)",
                "docker-compose.yml:40: networks: not mapped (Berth's containers use the engine's default network)",
                "docker-compose.yml:42: secrets: not mapped (put the values in an env file (env_file:), or mount the files with container.volumes)",
                "docker-compose.yml:45: configs: not mapped (mount the files with container.volumes)",
                "docker-compose.yml:10: services.Web_App: became the app web_app (app names are unique, lowercase letters, digits and . _ -)",
                "docker-compose.yml:13: services.Web_App.container_name: not mapped (Berth names each container berth-<app>-<instance>-<random>)",
                "docker-compose.yml:14: services.Web_App.networks: not mapped (Berth's containers use the engine's default network)",
                "docker-compose.yml:15: services.Web_App.links: not mapped (Berth's containers use the engine's default network, where service names do not resolve)",
                "docker-compose.yml:16: services.Web_App.logging: not mapped (Berth keeps the container's output in its own log files: logs.rotate rotates them)",
                "docker-compose.yml:18: services.Web_App.labels: not mapped (Berth labels its containers berth.app, berth.instance and berth.home;"
                        + " more with container.engine_args: [--label=K=V])",
                "docker-compose.yml:20: services.Web_App.extra_hosts: not mapped (add container.engine_args: [--add-host=NAME:IP] for each)",
                "docker-compose.yml:22: services.Web_App.profiles: not mapped (Berth runs every app of the file: remove the app if it should not run)",
                "docker-compose.yml:23: services.Web_App.secrets: not mapped (put the values in an env file (env_file:), or mount the files with container.volumes)",
                "docker-compose.yml:24: services.Web_App.configs: not mapped (mount the files with container.volumes)",
                "docker-compose.yml:25: services.Web_App.expose: not mapped (Berth's containers share no network; publish a port with ports: to reach it)",
                "docker-compose.yml:26: services.Web_App.entrypoint: became container.engine_args --entrypoint=/docker-entrypoint.sh,"
                        + " its arguments the start of container.command",
                "docker-compose.yml:28: services.Web_App.x-notes: an extension field: not mapped",
                "docker-compose.yml:29: services.Web_App.frobnicate: not mapped",
                "docker-compose.yml:31: services.Web_App.ports: \"8080\" is not published: it became container.port 8080 only"
                        + " (Compose published it on a random port); set port: to publish it",
                "docker-compose.yml:33: services.Web_App.volumes[0]: an anonymous volume (/var/cache/web alone) is not mapped: Berth removes the container"
                        + " when it ends; name it (NAME:/var/cache/web) to keep its data",
                "docker-compose.yml:37: services.db.ports: \"9000\" is not mapped: Berth publishes one port per app (port:, container.port);");
        assertEquals(expected, r.notes());

        BerthFile loaded = new BerthFileLoader(Map.of(), dir.resolve("logs")).load(r.berthYml(), null);
        assertEquals(15432, loaded.app("db").orElseThrow().port(), "a published port is the app's, even after one that is not");
        assertEquals(5432, loaded.app("db").orElseThrow().container().port());
        AppSpec web = loaded.app("web_app").orElseThrow();
        // the anchor's keys, merged with <<: *common
        assertEquals(Map.of("TZ", "Asia/Shanghai"), web.env());
        assertEquals(256L << 20, web.container().memory());
        assertFalse(web.restart().autorestart());
        assertEquals(List.of("--verbose", "serve", "--port", "8080", "--name", "my app"), web.container().command());
        assertEquals(List.of("--entrypoint=/docker-entrypoint.sh"), web.container().engineArgs());
        assertNull(web.port());
        assertEquals(8080, web.container().port());
        assertEquals(List.of(), web.container().volumes());
    }

    @Test
    void composeVariablesBecomeBerthsSyntaxWithoutBeingExpanded() throws Exception {
        Path compose = write(dir, "docker-compose.yml", """
                services:
                  web:
                    image: localhost/web:${TAG:-latest}
                    environment:
                      A: ${HOME_DIR-/srv}
                      B: $$literal
                      C: $USER_NAME
                      D: ${REQUIRED:?set it}
                      E: ${OPTIONAL:+on}
                      F:
                """);
        ComposeImport.Result r = new ComposeImport().convert(compose, List.of(), dir.resolve("berth.yml"), dir.resolve(".env.berth"));
        String yml = Files.readString(r.berthYml());
        for (String line : List.of("image: \"localhost/web:${TAG:-latest}\"", "A: \"${HOME_DIR:-/srv}\"", "B: \"$$literal\"", "C: \"${USER_NAME}\"",
                "D: \"${REQUIRED}\"", "E: \"$${OPTIONAL:+on}\"", "F: \"${F:-}\"")) {
            assertTrue(yml.contains("      " + line + "\n") || yml.contains("    " + line + "\n"), line + " in\n" + yml);
        }
        assertEquals(List.of(
                "docker-compose.yml:2: services.web: ${USER_NAME}, ${REQUIRED} have no default: Berth reads them from its own"
                        + " environment or from an env_file of the app when it loads the berth.yml (Compose also read the .env file next to the compose file,"
                        + " which Berth does not)",
                "docker-compose.yml:5: services.web.environment.A: ${HOME_DIR-/srv} became ${HOME_DIR:-/srv}: Berth also takes the default when HOME_DIR is empty",
                "docker-compose.yml:9: services.web.environment.E: ${OPTIONAL:+on} (a value only when OPTIONAL is set) has no Berth equivalent;"
                        + " kept as text: write the value",
                "docker-compose.yml:10: services.web.environment.F: has no value: Compose passed the one of its own environment;"
                        + " Berth's is ${F:-} (empty when unset)"), r.notes());
        AppSpec web = new BerthFileLoader(Map.of("USER_NAME", "ann", "REQUIRED", "x"), dir.resolve("logs")).load(r.berthYml(), null).apps().get(0);
        assertEquals("localhost/web:latest", web.container().image());
        assertEquals(Map.of("A", "/srv", "B", "$literal", "C", "ann", "D", "x", "E", "${OPTIONAL:+on}", "F", ""), web.env());
    }

    // ---- errors ---------------------------------------------------------------------------------

    @Test
    void aFileWithoutServicesIsAnErrorAtItsLine() throws Exception {
        Path compose = write(dir, "docker-compose.yml", "version: '3'\nvolumes:\n  data:\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertEquals(compose + ":1: no services: (expected services: with one entry per container)", e.getMessage());

        write(dir, "docker-compose.yml", "\nservices: [web, db]\n");
        e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertEquals(compose + ":2: services: expected a mapping of service names to their settings, got a list", e.getMessage());

        write(dir, "docker-compose.yml", "services:\n  proxy:\n    image: nginx:1.27\n");
        e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertTrue(e.getMessage().startsWith(compose + ":1: services: no service to convert into an app"), e.getMessage());
        assertTrue(e.getMessage().contains("note: docker-compose.yml:2: services.proxy: not an app: Berth's front door"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("berth.yml")));
    }

    @Test
    void aCircleOfDependsOnIsAnErrorNamingTheServices() throws Exception {
        Path compose = write(dir, "docker-compose.yml", """
                services:
                  a:
                    image: localhost/a:1
                    depends_on: [b]
                  b:
                    image: localhost/b:1
                    depends_on:
                      c:
                        condition: service_started
                  c:
                    image: localhost/c:1
                    depends_on: [a]
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertEquals(compose + ":12: services.c.depends_on: the services depend on each other in a circle: a -> b -> c -> a"
                + " (one of them has to start first)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("berth.yml")));
    }

    @Test
    void aFileThatIsNotYamlIsAnErrorAtItsLine() throws Exception {
        Path compose = write(dir, "docker-compose.yml", "services:\n  web:\n    image: [unclosed\n    ports: x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertTrue(e.getMessage().startsWith(compose + ":4:") && e.getMessage().contains("invalid YAML"), e.getMessage());

        Files.write(compose, new byte[] {'s', 'e', 'r', 'v', 'i', 'c', 'e', 's', ':', ' ', (byte) 0xE9, '\n'});
        e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertEquals(compose + ":1:11: not a UTF-8 text file: the byte 0xE9 here is not UTF-8", e.getMessage());

        write(dir, "docker-compose.yml", "just some words\n");
        e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertEquals(compose + ":1: expected a Compose file (a mapping with services:), got \"just some words\"", e.getMessage());

        write(dir, "docker-compose.yml", "services:\n  web:\n    image: a\n    image: b\n");
        e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertTrue(e.getMessage().startsWith(compose + ":4:5: services.web.image: duplicate key \"image\""), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> convert(dir.resolve("nosuch.yml")));
        assertEquals(dir.resolve("nosuch.yml") + ": file not found", e.getMessage());

        write(dir, "docker-compose.yml", "services: {web: {image: a, x-pad: \"" + " ".repeat(InputFiles.MAX_BYTES) + "\"}}\n");
        e = assertThrows(IllegalArgumentException.class, () -> convert(compose));
        assertTrue(e.getMessage().contains("more than the 1 MiB"), e.getMessage());
    }

    @Test
    void existingOutputsAreKeptUnlessForced() throws Exception {
        Path compose = write(dir, "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n");
        Path yml = write(dir, "berth.yml", "# mine\n");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> convert(compose));
        assertTrue(e.getMessage().startsWith(yml + ": already exists"), e.getMessage());
        assertEquals("# mine\n", Files.readString(yml));
        assertFalse(Files.exists(dir.resolve(".env.berth")), "nothing is written when one output is refused");

        ComposeImport.Result r = new ComposeImport().convert(compose, List.of(), yml, dir.resolve(".env.berth"), true);
        assertTrue(Files.readString(yml).startsWith("# berth.yml converted by berth import-compose"));
        assertEquals("POSTGRES_PASSWORD='hunter2hunter2'\n", Files.readString(r.envFile()).lines().skip(2).findFirst().orElseThrow() + "\n");
        assertTrue(Files.readString(yml).contains("#   db:\n#     postgres: postgres\n#     host: 127.0.0.1\n#     # port: the backup needs a published port"),
                Files.readString(yml));
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("docker-compose.yml:2: services.db: a PostgreSQL database")
                && n.contains("the backup needs a published port")), r.notes().toString());
    }

    private ComposeImport.Result convert(Path compose) throws Exception {
        return new ComposeImport().convert(compose, List.of(), dir.resolve("berth.yml"), dir.resolve(".env.berth"));
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }
}
