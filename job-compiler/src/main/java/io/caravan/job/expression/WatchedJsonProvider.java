package io.caravan.job.expression;

import com.jayway.jsonpath.spi.json.JsonSmartJsonProvider;
import java.util.Collection;

/**
 * JSONPath's reading of the context with a tick of the evaluation's {@link Deadline} per node:
 * a deep scan inside a filter ({@code $..[?(@ == $..*)]}) visits every node once per node, and
 * the library has no limit of its own.
 */
final class WatchedJsonProvider extends JsonSmartJsonProvider {

    @Override
    public Object getArrayIndex(Object array, int index) {
        Deadline.tick();
        return super.getArrayIndex(array, index);
    }

    @Override
    public Object getMapValue(Object map, String key) {
        Deadline.tick();
        return super.getMapValue(map, key);
    }

    @Override
    public Collection<String> getPropertyKeys(Object value) {
        Deadline.tick();
        return super.getPropertyKeys(value);
    }

    @Override
    public Iterable<?> toIterable(Object value) {
        Deadline.tick();
        return super.toIterable(value);
    }

    @Override
    public boolean isMap(Object value) {
        Deadline.tick();
        return super.isMap(value);
    }

    @Override
    public int length(Object value) {
        Deadline.tick();
        return super.length(value);
    }
}
