package io.tenantdb.mongodb;

import java.util.Map;

/**
 * What a {@link MongoDocumentSession#bulkWrite bulk write} did.
 *
 * @param inserted  documents inserted
 * @param matched   documents matched by updates and replacements
 * @param modified  documents modified
 * @param deleted   documents deleted
 * @param upserted  ids of upserted documents, by index of the operation in the request
 */
public record MongoBulkResult(long inserted, long matched, long modified, long deleted, Map<Integer, Object> upserted) {

    /** Copies the map. */
    public MongoBulkResult {
        upserted = Map.copyOf(upserted);
    }
}
