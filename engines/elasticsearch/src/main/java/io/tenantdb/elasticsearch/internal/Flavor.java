package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which server answers, and what that means for the REST subset tenantdb uses.
 *
 * @param openSearch whether it is OpenSearch (else Elasticsearch)
 * @param major      the major version, 0 when unknown
 * @param minor      the minor version
 */
record Flavor(boolean openSearch, int major, int minor) {

    static final Flavor OPENSEARCH = new Flavor(true, 2, 19);
    static final Flavor ELASTICSEARCH = new Flavor(false, 8, 0);

    /** @param root the body of {@code GET /} @return the flavor */
    static Flavor of(JsonNode root) {
        JsonNode version = root == null ? null : root.path("version");
        if (version == null || version.isMissingNode()) {
            return ELASTICSEARCH;
        }
        boolean openSearch = "opensearch".equals(version.path("distribution").asText(""));
        String[] parts = version.path("number").asText("0.0").split("\\.");
        return new Flavor(openSearch, parse(parts, 0), parse(parts, 1));
    }

    /** @return whether point-in-time search exists (OpenSearch 2.4+, Elasticsearch 7.10+) */
    boolean hasPointInTime() {
        return openSearch ? (major > 2 || (major == 2 && minor >= 4)) : (major > 7 || (major == 7 && minor >= 10));
    }

    /** @return the path that opens a point in time on an index or alias */
    String openPitPath(String name, String keepAlive) {
        return openSearch ? "/" + name + "/_search/point_in_time?keep_alive=" + keepAlive
                : "/" + name + "/_pit?keep_alive=" + keepAlive;
    }

    /** @return the path that closes a point in time */
    String closePitPath() {
        return openSearch ? "/_search/point_in_time" : "/_pit";
    }

    /** @return the field of the open-PIT answer that holds the id */
    String pitIdField() {
        return openSearch ? "pit_id" : "id";
    }

    /**
     * @param withPit whether the search runs in a point in time
     * @return the unique tie-breaker sort field: Elasticsearch's {@code _shard_doc} inside a PIT, else {@code _id}
     */
    String tieBreaker(boolean withPit) {
        return withPit && !openSearch ? "_shard_doc" : "_id";
    }

    private static int parse(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i].replaceAll("[^0-9].*$", "")) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
