package io.caravan.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import java.util.EnumSet;

/**
 * The difference of two documents as people read it: a JSON Patch (RFC 6902) of add, remove and
 * replace only (no move or copy), each replaced value with the one it replaced ({@code fromValue}).
 */
public final class JsonPatches {

    private static final EnumSet<DiffFlags> READABLE = EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION,
            DiffFlags.OMIT_COPY_OPERATION, DiffFlags.ADD_ORIGINAL_VALUE_ON_REPLACE);

    private JsonPatches() {
    }

    /** The patch that turns {@code from} into {@code to}. */
    public static JsonNode diff(JsonNode from, JsonNode to) {
        return JsonDiff.asJson(from, to, READABLE);
    }
}
