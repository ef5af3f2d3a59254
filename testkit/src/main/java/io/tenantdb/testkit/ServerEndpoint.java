package io.tenantdb.testkit;

/**
 * A real server a test can talk to.
 *
 * @param kind     which server, e.g. {@code postgresql}
 * @param host     host to connect to
 * @param port     port (HTTP port for ClickHouse and OpenSearch)
 * @param user     a user with rights to create databases/roles, or {@code null}
 * @param password its password, or {@code ""}
 * @param database a database that exists, or {@code null}
 * @param origin   how it was had: {@code local} (already running) or {@code embedded}
 */
public record ServerEndpoint(String kind, String host, int port, String user, String password, String database,
                             String origin) {

    /** @return {@code host:port} */
    public String address() {
        return host + ":" + port;
    }

    /** @return an HTTP base URL, for HTTP servers */
    public String httpUrl() {
        return "http://" + host + ":" + port;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return kind + "@" + host + ":" + port + " (" + origin + ")";
    }
}
