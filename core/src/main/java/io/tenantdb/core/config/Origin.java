package io.tenantdb.core.config;

/**
 * Where a configuration value came from: a file position (1-based line and column) or an
 * environment variable. Printed as {@code file:line:column} in every error.
 *
 * @param source the file, or {@code environment variable NAME}
 * @param line   1-based line, 0 when not a file position
 * @param column 1-based column, 0 when not a file position
 */
record Origin(String source, int line, int column) {

    /** @param name the variable @return the origin of a value set by an environment variable */
    static Origin environment(String name) {
        return new Origin("environment variable " + name, 0, 0);
    }

    /** @param file the file @return the start of the file */
    static Origin startOf(String file) {
        return new Origin(file, 1, 1);
    }

    @Override
    public String toString() {
        return line == 0 ? source : source + ":" + line + ":" + column;
    }
}
