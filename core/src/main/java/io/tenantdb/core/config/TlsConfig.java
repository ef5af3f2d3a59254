package io.tenantdb.core.config;

/**
 * TLS settings of a connection.
 *
 * @param enabled    whether to use TLS
 * @param verify     whether to verify the server's certificate and host name
 * @param caFile     a PEM file of trusted CAs, or {@code null} for the JVM's
 * @param certFile   a client certificate (PEM), or {@code null}
 * @param keyFile    the client key (PEM), or {@code null}
 */
public record TlsConfig(boolean enabled, boolean verify, String caFile, String certFile, String keyFile) {

    /** No TLS. */
    public static final TlsConfig DISABLED = new TlsConfig(false, true, null, null, null);
}
