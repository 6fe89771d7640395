package dev.berth.deploy;

import dev.berth.config.DeploySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Puts a release's source on disk: the tree of one commit of a git repository (through a bare
 * mirror kept next to the releases, so that each deploy fetches only what is new), a copy of a
 * directory, or an unpacked archive; one file per kind (GitMirror, DirectoryCopy, ArchiveUnpacker),
 * their tools run through SourceTools.
 */
public final class ReleaseSources {
    /**
     * The commit a git source deploys (fetch) or would deploy (resolve): the full 40-hex id and the
     * ref that was asked for (branch, tag or commit as given, or the branch/default branch used);
     * for dir/archive both null.
     */
    public record Resolved(String commit, String ref) { }

    /**
     * Puts the source's files into {@code target}, an existing (empty) directory: the commit's tree
     * for git (no .git in it), a copy of the directory, or the unpacked archive. {@code log} gets one
     * line per notable action; credentials in URLs never reach it nor any error message.
     */
    public static Resolved fetch(DeploySpec.Source source, String ref, Path cacheDir, Path target, Duration timeout, Consumer<String> log)
            throws DeployException {
        if (!Files.isDirectory(target)) throw new DeployException("the release directory " + target + " does not exist");
        switch (source) {
            case DeploySpec.GitSource git -> {
                Resolved r = GitMirror.resolve(git, ref, cacheDir, timeout, log);
                GitMirror.writeTree(git, r, cacheDir, target, timeout, log);
                return r;
            }
            case DeploySpec.DirSource dir -> {
                DirectoryCopy.copy(dir.dir(), target, log);
                return new Resolved(null, null);
            }
            case DeploySpec.ArchiveSource archive -> {
                ArchiveUnpacker.unpack(archive.file(), target, timeout, log);
                return new Resolved(null, null);
            }
        }
    }

    /**
     * For a dry run: the commit a git deploy would fetch (the mirror is updated as by fetch); a dir or
     * archive is only checked to exist, and gets Resolved(null, null).
     */
    public static Resolved resolve(DeploySpec.Source source, String ref, Path cacheDir, Duration timeout, Consumer<String> log)
            throws DeployException {
        switch (source) {
            case DeploySpec.GitSource git -> {
                return GitMirror.resolve(git, ref, cacheDir, timeout, log);
            }
            case DeploySpec.DirSource dir -> {
                DirectoryCopy.requireDirectory(dir.dir());
                return new Resolved(null, null);
            }
            case DeploySpec.ArchiveSource archive -> {
                ArchiveUnpacker.kind(archive.file());
                return new Resolved(null, null);
            }
        }
    }

}
