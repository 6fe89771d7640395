package dev.berth.deploy;

import static dev.berth.deploy.SourceTools.pipe;
import static dev.berth.deploy.SourceTools.reason;
import static dev.berth.deploy.SourceTools.redact;
import static dev.berth.deploy.SourceTools.run;
import static dev.berth.deploy.SourceTools.said;

import dev.berth.config.DeploySpec;
import dev.berth.deploy.SourceTools.Finished;
import dev.berth.files.FileTrees;
import dev.berth.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A git source: a bare mirror of the repository kept next to the releases (so that each deploy
 * fetches only what is new), the commit a ref names in it, and the tree of that commit written
 * into a release. git gets argument lists, never a terminal to prompt on (see SourceTools).
 */
final class GitMirror {
    private static final int RANGE_LIMIT = 50;
    private static final int RECENT_LIMIT = 10;
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private GitMirror() { }

    /** Writes the tree of the commit into target: the tree alone, a release never carries the repository or its credentials. */
    static void writeTree(DeploySpec.GitSource git, ReleaseSources.Resolved r, Path mirror, Path target, Duration timeout,
            Consumer<String> log) throws DeployException {
        log.accept("git: writing the tree of " + abbreviate(r.commit()) + " into " + target);
        pipe(git(mirror, "archive", "--format=tar", "--end-of-options", r.commit()),
                List.of("tar", "-x", "--no-same-owner", "-C", target.toString()), timeout, "git archive | tar -x",
                "git: cannot write the tree of " + abbreviate(r.commit()) + " of " + redact(git.repository()) + " into " + target);
    }

    /**
     * For a dry run: {@code git log --oneline} of what going from {@code from} to {@code to} brings (at
     * most 50 lines, newest first); when {@code from} is null or unknown to the mirror, the last 10
     * commits up to {@code to}.
     */
    static List<String> commitRange(Path cacheDir, String from, String to, Duration timeout) throws DeployException {
        if (!isMirror(cacheDir)) throw new DeployException("git: there is no mirror in " + cacheDir + " to list commits from");
        requireRevision(to, "commit");
        boolean fromKnown = from != null && !from.startsWith("-")
                && run(git(cacheDir, "cat-file", "-e", "--end-of-options", from + "^{commit}"), timeout, "git cat-file").ok();
        List<String> logCommand = fromKnown
                ? git(cacheDir, "log", "--oneline", "--no-decorate", "-n", String.valueOf(RANGE_LIMIT), "--end-of-options", from + ".." + to)
                : git(cacheDir, "log", "--oneline", "--no-decorate", "-n", String.valueOf(RECENT_LIMIT), "--end-of-options", to);
        Finished out = run(logCommand, timeout, "git log");
        if (!out.ok()) {
            throw new DeployException("git: cannot list the commits up to " + to + " in " + cacheDir + said("git", out.stderr()));
        }
        return out.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    static ReleaseSources.Resolved resolve(DeploySpec.GitSource git, String ref, Path mirror, Duration timeout, Consumer<String> log)
            throws DeployException {
        String repository = git.repository();
        if (repository == null || repository.isBlank() || repository.startsWith("-")) {
            throw new DeployException("git: \"" + redact(String.valueOf(repository)) + "\" is not a repository URL or path");
        }
        if (ref != null) requireRevision(ref, "ref");
        if (git.branch() != null) requireRevision(git.branch(), "branch");
        updateMirror(repository, mirror, timeout, log);

        String shown = redact(repository);
        String name;
        String revision;
        String notFound;
        if (ref != null) {
            name = ref;
            revision = ref + "^{commit}";
            notFound = "git: ref \"" + ref + "\" not found in " + shown + " (neither a branch, a tag nor a commit id)";
        } else if (git.branch() != null) {
            name = git.branch();
            // refs/heads/ so that a tag of the same name is not taken for the branch
            revision = "refs/heads/" + git.branch() + "^{commit}";
            notFound = "git: branch \"" + git.branch() + "\" not found in " + shown;
        } else {
            Finished head = run(git(mirror, "symbolic-ref", "--short", "HEAD"), timeout, "git symbolic-ref");
            name = head.ok() ? head.stdout().strip() : "HEAD";
            revision = "HEAD^{commit}";
            // the mirror's HEAD is the remote's default branch as of the first clone
            notFound = "git: the default branch \"" + name + "\" of " + shown + " has no commit"
                    + " (set deploy.branch in berth.yml, or pass --ref)";
        }
        Finished parsed = run(verifyArgv(mirror, revision), timeout, "git rev-parse");
        String commit = parsed.stdout().strip();
        if (!parsed.ok() || !OBJECT_ID.matcher(commit).matches()) {
            throw new DeployException(notFound + said("git", parsed.stderr()) + branchesHint(mirror, timeout));
        }
        log.accept("git: commit " + abbreviate(commit) + " (" + name + ")");
        return new ReleaseSources.Resolved(commit, name);
    }

    /** Clones the mirror the first time, later fetches what is new (and drops branches gone upstream). */
    private static void updateMirror(String repository, Path mirror, Duration timeout, Consumer<String> log) throws DeployException {
        String shown = redact(repository);
        if (isMirror(mirror)) {
            Finished url = run(git(mirror, "config", "--get", "remote.origin.url"), timeout, "git config");
            if (!url.stdout().strip().equals(repository)) {
                // berth.yml now names another repository: follow it rather than deploy the old one
                log.accept("git: the repository is now " + shown + "; pointing the mirror at it");
                Finished set = run(setUrlArgv(mirror, repository), timeout, "git config");
                if (!set.ok()) {
                    throw new DeployException("git: cannot point the mirror " + mirror + " at " + shown + said("git", set.stderr()));
                }
            }
            log.accept("git: updating mirror of " + shown);
            Finished update = run(git(mirror, "remote", "update", "--prune"), timeout, "git remote update");
            if (!update.ok()) {
                throw new DeployException("git: cannot update the mirror of " + shown + " in " + mirror + said("git", update.stderr()));
            }
            return;
        }
        if (Files.exists(mirror, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(mirror)) {
            throw new DeployException("git: " + mirror + " exists but is not a git mirror; remove it and the next deploy clones "
                    + shown + " again");
        }
        // cloned beside and moved into place, so that an interrupted clone never passes for a mirror
        Path partial = mirror.resolveSibling(mirror.getFileName() + ".partial");
        try {
            FileTrees.delete(partial);
            if (Files.isDirectory(mirror, LinkOption.NOFOLLOW_LINKS)) Files.delete(mirror);
            Files.createDirectories(mirror.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new DeployException("git: cannot prepare " + mirror + " for the mirror: " + reason(e), e);
        }
        log.accept("git: cloning a mirror of " + shown);
        Finished clone;
        try {
            clone = run(List.of("git", "clone", "--mirror", "--", repository, partial.toString()), timeout, "git clone --mirror " + shown);
        } catch (DeployException e) {
            deleteQuietly(partial);
            throw e;
        }
        if (!clone.ok()) {
            deleteQuietly(partial);
            throw new DeployException("git: cannot clone " + shown + said("git", clone.stderr()));
        }
        try {
            PrivateFiles.moveAtomically(partial, mirror);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new DeployException("git: cannot move the new mirror into " + mirror + ": " + reason(e), e);
        }
    }

    private static boolean isMirror(Path dir) {
        return Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"));
    }

    /** A name starting with "-" would reach git as an option. */
    private static void requireRevision(String name, String what) throws DeployException {
        if (name == null || name.isBlank() || name.startsWith("-") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new DeployException("git: \"" + name + "\" is not a valid " + what);
        }
    }

    /** "; its branches: main, next" helps with a typo; nothing when even that cannot be read. */
    private static String branchesHint(Path mirror, Duration timeout) {
        try {
            Finished refs = run(git(mirror, "for-each-ref", "--count=20", "--format=%(refname:short)", "refs/heads"), timeout,
                    "git for-each-ref");
            List<String> branches = refs.stdout().lines().filter(l -> !l.isBlank()).toList();
            return refs.ok() && !branches.isEmpty() ? "; its branches: " + String.join(", ", branches) : "";
        } catch (DeployException e) {
            return "";
        }
    }

    // Values that come from the user (a --ref, a branch, a repository) go after --end-of-options, or -- where
    // git takes no revisions, so that none is read as an option whatever it is.

    static List<String> verifyArgv(Path mirror, String revision) {
        return git(mirror, "rev-parse", "--verify", "--end-of-options", revision);
    }

    static List<String> setUrlArgv(Path mirror, String repository) {
        return git(mirror, "config", "--", "remote.origin.url", repository);
    }

    private static List<String> git(Path gitDir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        Collections.addAll(argv, args);
        return argv;
    }

    static String abbreviate(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }


    private static void deleteQuietly(Path p) {
        try {
            FileTrees.delete(p);
        } catch (IOException e) {
            // the next clone removes it first
        }
    }
}
