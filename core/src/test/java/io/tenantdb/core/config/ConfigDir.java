package io.tenantdb.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A configuration directory written by a test. */
final class ConfigDir {

    /** A minimal valid PostgreSQL base file. */
    static final String PG_BASE = "connection:\n"
            + "  hosts: [\"db1:5432\"]\n"
            + "  database: app\n"
            + "  user: app\n";

    final Path root;

    ConfigDir(Path root) {
        this.root = root;
    }

    /** Writes a file relative to the directory, creating parents. */
    ConfigDir write(String relative, String text) {
        return write(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    ConfigDir write(String relative, byte[] bytes) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConfigLoader loader() {
        return ConfigLoader.of(root, Map.of());
    }

    ConfigLoader loader(Map<String, String> env) {
        return ConfigLoader.of(root, env);
    }

    /** @return how a file's position appears in messages, e.g. {@code <dir>/overrides/x.yml:3:5} */
    String at(String relative, int line, int column) {
        return root.resolve(relative) + ":" + line + ":" + column;
    }
}
