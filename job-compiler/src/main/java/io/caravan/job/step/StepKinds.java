package io.caravan.job.step;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The step kinds on the class path, by type. */
public final class StepKinds {

    private final Map<String, StepKind<?>> byType;

    public StepKinds(Collection<? extends StepKind<?>> kinds) {
        Map<String, StepKind<?>> map = new TreeMap<>();
        for (StepKind<?> kind : kinds) {
            StepKind<?> clash = map.put(kind.type(), kind);
            if (clash != null) {
                throw new IllegalStateException("two step kinds claim type '" + kind.type() + "': "
                        + clash.getClass().getName() + " and " + kind.getClass().getName());
            }
        }
        this.byType = Collections.unmodifiableMap(map);
    }

    /** Every kind registered in {@code META-INF/services/io.caravan.job.step.StepKind}. */
    @SuppressWarnings("rawtypes")
    public static StepKinds load() {
        return new StepKinds(ServiceLoader.load(StepKind.class).stream()
                .map(p -> (StepKind<?>) p.get()).toList());
    }

    /** The kind of a type, or null. */
    public StepKind<?> get(String type) {
        return byType.get(type);
    }

    /** All kinds, ordered by type. */
    public Collection<StepKind<?>> all() {
        return byType.values();
    }
}
