package dev.berth.config;

/**
 * A request named something that does not exist: a backup of a berth.yml, an archive of the
 * catalog, a release. The API answers 404 NOT_FOUND and the CLI exits 4, as for an unknown app.
 */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
