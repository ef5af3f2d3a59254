package io.tenantdb.core.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One search result.
 *
 * @param index  the logical index (never the tenant's physical index name)
 * @param id     the document id
 * @param score  the relevance score, {@code NaN} when not scored
 * @param source the document, without tenant bookkeeping fields
 */
public record SearchHit(String index, String id, double score, ObjectNode source) {
}
