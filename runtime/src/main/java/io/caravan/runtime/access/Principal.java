package io.caravan.runtime.access;

import java.util.Map;
import java.util.Optional;

/**
 * Who made an API call: the token it came with, by id and name, and the role the token holds in
 * each namespace ({@code "*"} grants a role in every namespace).
 */
public record Principal(String tokenId, String name, Map<String, Role> grants) {

    /** The namespace every job, connection and secret belongs to until namespaces are given. */
    public static final String DEFAULT_NAMESPACE = "default";
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

    /** The highest role held in any namespace; empty when none. */
    public Optional<Role> highest() {
        return grants.values().stream().max(Enum::compareTo);
    }
}
