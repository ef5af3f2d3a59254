package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;

/**
 * Configuration that cannot be used: a missing or malformed file, an unknown key, a wrong type, a
 * missing required value, unsafe YAML. The message names the file, line and column where known.
 */
public class ConfigException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, where, and how to fix it */
    public ConfigException(String message) {
        super(message, null, null, null);
    }

    /**
     * @param message what is wrong, where, and how to fix it
     * @param cause   the parser's error, or {@code null}
     */
    public ConfigException(String message, Throwable cause) {
        super(message, null, null, cause);
    }

    /**
     * @param message what is wrong, where, and how to fix it
     * @param engine  the engine whose configuration it is
     * @param cause   the parser's error, or {@code null}
     */
    public ConfigException(String message, DatabaseType engine, Throwable cause) {
        super(message, null, engine, cause);
    }
}
