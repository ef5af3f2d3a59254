package io.tenantdb.elasticsearch.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.ConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The engine's own settings, from the {@code elasticsearch} section of the base configuration:
 * <pre>
 * elasticsearch:
 *   flavor: auto            # auto | elasticsearch | opensearch (auto asks GET / once per node)
 *   request_timeout: 60s
 *   page_size: 500          # hits per search_after page
 *   point_in_time: true     # stream inside a point in time where the server has one
 *   pit_keep_alive: 1m
 *   bulk_max_docs: 1000     # a _bulk request holds at most this many documents...
 *   bulk_max_bytes: 5242880 # ...and about this many bytes
 *   write_refresh: none     # refresh policy of writes: none | wait_for | immediate
 *   indices: [tracks]       # logical indices created by provision()
 *   number_of_shards: 1     # defaults for indices tenantdb creates
 *   number_of_replicas: 1
 *   api_key: ${env:ES_API_KEY}
 * </pre>
 */
record EngineSettings(String flavor, Duration requestTimeout, int pageSize, boolean pointInTime,
                      Duration pitKeepAlive, int bulkMaxDocs, int bulkMaxBytes, String refresh,
                      List<String> indices, int shards, int replicas) {

    static EngineSettings from(DatabaseConfig config) {
        ConfigNode es = config.section("elasticsearch");
        String flavor = es.string("flavor", "auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "elasticsearch", "opensearch").contains(flavor)) {
            throw bad("elasticsearch.flavor must be auto, elasticsearch or opensearch, was '" + flavor + "'");
        }
        int pageSize = es.integer("page_size", 500);
        if (pageSize < 1 || pageSize > 10_000) {
            throw bad("elasticsearch.page_size must be 1..10000, was " + pageSize);
        }
        int maxDocs = es.integer("bulk_max_docs", 1000);
        int maxBytes = es.integer("bulk_max_bytes", 5 * 1024 * 1024);
        if (maxDocs < 1 || maxBytes < 1024) {
            throw bad("elasticsearch.bulk_max_docs must be >= 1 and bulk_max_bytes >= 1024");
        }
        String refresh = es.string("write_refresh", "none").toLowerCase(Locale.ROOT);
        if (!List.of("none", "wait_for", "immediate").contains(refresh)) {
            throw bad("elasticsearch.write_refresh must be none, wait_for or immediate, was '" + refresh + "'");
        }
        Duration keepAlive = es.duration("pit_keep_alive", Duration.ofMinutes(1));
        if (keepAlive.toSeconds() < 1) {
            throw bad("elasticsearch.pit_keep_alive must be at least 1s");
        }
        return new EngineSettings(flavor, es.duration("request_timeout", Duration.ofSeconds(60)), pageSize,
                es.bool("point_in_time", true), keepAlive, maxDocs, maxBytes, refresh, es.strings("indices"),
                es.integer("number_of_shards", 0), es.integer("number_of_replicas", -1));
    }

    /** @return the {@code refresh} query parameter to add to writes, {@code ""} for none */
    String refreshParam() {
        switch (refresh) {
            case "wait_for":
                return "refresh=wait_for";
            case "immediate":
                return "refresh=true";
            default:
                return "";
        }
    }

    String keepAliveParam() {
        return pitKeepAlive.toSeconds() + "s";
    }

    private static ConfigException bad(String message) {
        return new ConfigException(message, DatabaseType.ELASTICSEARCH, null);
    }
}
