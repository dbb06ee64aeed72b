package io.caravan.runtime.access;

import java.util.Map;
import java.util.Optional;

/**
 * Who made an API call: the token it came with, by id and name, and the role the token holds in
 * each namespace ({@code "*"} grants a role in every namespace).
 */
public record Principal(String tokenId, String name, Map<String, Role> grants) {

    /** The namespace of every job, connection and secret that names none. */
    public static final String DEFAULT_NAMESPACE = io.caravan.job.model.Namespaces.DEFAULT;
    /** The grant key that stands for every namespace. */
    public static final String ALL_NAMESPACES = "*";

    public Principal {
        grants = Map.copyOf(grants);
    }

    /** The highest role held in {@code namespace}, directly or through {@code "*"}; empty when none. */
    public Optional<Role> roleIn(String namespace) {
        Role direct = grants.get(namespace);
        Role all = grants.get(ALL_NAMESPACES);
        if (direct == null || all == null) {
            return Optional.ofNullable(direct == null ? all : direct);
        }
        return Optional.of(direct.covers(all) ? direct : all);
    }

    /** The namespaces where this token holds {@code role} or more: every one when {@code "*"} does. */
    public io.caravan.runtime.store.NamespaceFilter visible(Role role) {
        if (roleIn(ALL_NAMESPACES).filter(r -> r.covers(role)).isPresent()) {
            return io.caravan.runtime.store.NamespaceFilter.ALL;
        }
        return new io.caravan.runtime.store.NamespaceFilter(grants.entrySet().stream()
                .filter(g -> g.getValue().covers(role)).map(Map.Entry::getKey).sorted().toList());
    }

    /** The highest role held in any namespace; empty when none. */
    public Optional<Role> highest() {
        return grants.values().stream().max(Enum::compareTo);
    }
}
