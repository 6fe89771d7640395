package dev.berth.deploy;

import dev.berth.config.DeploySpec;
import dev.berth.files.FileTrees;
import dev.berth.store.Deployments.Release;
import dev.berth.store.Deployments;
import dev.berth.store.StoreException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An app's releases: their records, their directories under deploy.path/releases, the berth.yml
 * each was deployed with (BERTH_HOME/releases), and which of them keep_releases lets go.
 */
final class KeptReleases {
    private final Deployments records;
    private final Path recordRoot;

    /** @param recordRoot where each release's configuration is recorded (BERTH_HOME/releases) */
    KeptReleases(Deployments records, Path recordRoot) {
        this.records = records;
        this.recordRoot = recordRoot;
    }

    /** Where the berth.yml a release was deployed with is recorded (see RecordedConfig). */
    Path recordedConfig(String app, String releaseId) {
        return recordRoot.resolve(app).resolve(releaseId).resolve("berth.yml");
    }

    /** Where a release's recorded files go. */
    Path recordDir(String app, String releaseId) {
        return recordRoot.resolve(app).resolve(releaseId);
    }

    /** The configuration a release was deployed with, when it was recorded; else today's berth.yml. */
    Path configOf(String app, String releaseId, DeployRequest req) {
        Path recorded = recordedConfig(app, releaseId);
        return Files.isRegularFile(recorded) ? recorded : req.config();
    }

    void prune(String app, DeploySpec d, String live, Consumer<String> log) throws IOException {
        for (String id : prunable(app, d, live, live)) {
            Optional<Release> r = records.release(app, id);
            if (r.isEmpty()) continue;
            FileTrees.delete(Path.of(r.get().path()));
            FileTrees.delete(recordDir(app, id));
            records.setReleaseState(app, id, "pruned");
            log.accept("pruned " + id);
        }
        // Failed and rolled-back releases never count toward keep_releases; their directories go too.
        for (Release r : records.releases(app)) {
            if ((r.state().equals("failed") || r.state().equals("rolled_back")) && Files.exists(Path.of(r.path()))
                    && !r.id().equals(live) && !isCurrent(Path.of(r.path()))) {
                FileTrees.delete(Path.of(r.path()));
                log.accept("removed " + r.state() + " release " + r.id());
            }
        }
    }

    /**
     * Good releases beyond keep_releases, oldest last; never the live one, never the newest good
     * one. {@code incoming} counts as the newest good release (a plan's "(new)").
     */
    List<String> prunable(String app, DeploySpec d, String live, String incoming) {
        List<String> good = new ArrayList<>();
        try {
            if (incoming != null && !incoming.equals(live)) good.add(incoming);
            for (Release r : records.releases(app)) {
                if ((r.state().equals("good") || r.state().equals("superseded")) && !good.contains(r.id())) good.add(r.id());
            }
        } catch (StoreException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = d.keepReleases(); i < good.size(); i++) {
            String id = good.get(i);
            if (!id.equals(live) && i > 0) out.add(id);
        }
        return out;
    }

    /** The newest good release older than the live one: where a plain rollback goes. */
    Optional<String> previousGood(String app, String live) throws DeployException {
        try {
            boolean afterLive = false;
            for (Release r : records.releases(app)) {
                if (r.id().equals(live)) {
                    afterLive = true;
                    continue;
                }
                if (afterLive && r.state().equals("good")) return Optional.of(r.id());
            }
            return Optional.empty();
        } catch (StoreException e) {
            throw new DeployException("cannot read the releases: " + e.getMessage(), e);
        }
    }

    /** The ids of the app's releases, as `berth releases` lists them (newest first). */
    List<String> releaseIds(String app) throws DeployException {
        try {
            return records.releases(app).stream().map(Release::id).toList();
        } catch (StoreException e) {
            throw new DeployException("cannot read the releases: " + e.getMessage(), e);
        }
    }

    /** A release's record, or none when it is unknown or cannot be read. */
    Optional<Release> release(String app, String id) {
        try {
            return records.release(app, id);
        } catch (StoreException e) {
            return Optional.empty();
        }
    }

    /** The commit a release was built from, when it came from git. */
    String commitOf(String app, String releaseId) {
        return releaseId == null ? null : release(app, releaseId).map(Release::commit).orElse(null);
    }

    /** Whether `current` leads to this release directory (deploy.path/releases/&lt;id&gt;). */
    static boolean isCurrent(Path dir) {
        try {
            Path current = dir.getParent().getParent().resolve("current");
            return Files.exists(current) && Files.isSameFile(current, dir);
        } catch (IOException | NullPointerException e) {
            return false;
        }
    }

    static List<String> onDisk(DeploySpec d) {
        try (var s = Files.list(d.path().resolve("releases"))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A new release directory, named yyyyMMdd-HHmmss in UTC, with -2, -3 ... when two deploys land in the same second. */
    static String newReleaseId(Path releases) throws IOException {
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC);
        String base = String.format("%04d%02d%02d-%02d%02d%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        for (int n = 1; ; n++) {
            String id = n == 1 ? base : base + "-" + n;
            try {
                Files.createDirectory(releases.resolve(id));
                return id;
            } catch (FileAlreadyExistsException e) {
                // taken: try the next suffix
            }
        }
    }
}
