package io.caravan.runtime.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.store.NamespaceFilter;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code GET /api/v1/namespaces}: the namespaces the caller holds a role in, each with its role
 * and how many jobs, connections and secrets it holds. A namespace exists while something is in
 * it or a token is granted a role there; there is nothing to create or delete.
 */
public final class NamespacesApi {

    private static final String[] KINDS = {"jobs", "connections", "secrets"};

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public NamespacesApi(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void list(Exchange e) throws Exception {
        Principal who = e.getProperty(Tokens.PRINCIPAL, Principal.class);
        NamespaceFilter visible = who.visible(Role.VIEWER);
        Map<String, ObjectNode> found = new TreeMap<>();
        if (visible.namespaces() != null) {
            visible.namespaces().forEach(ns -> entry(found, ns, who));
        }
        count(found, "jobs", "id", visible, who);
        count(found, "connections", "name", visible, who);
        count(found, "secrets", "name", visible, who);
        ObjectNode out = json.createObjectNode();
        var items = out.putArray("items");
        found.values().forEach(items::add);
        Replies.json(e, 200, out, json);
    }

    private void count(Map<String, ObjectNode> found, String table, String keyColumn, NamespaceFilter visible, Principal who) {
        // the table and column are constants of this class, never input
        String namespace = NamespaceFilter.namespaceOf(keyColumn);
        jdbc.query("select " + namespace + " as ns, count(*) from " + table + " where "
                + NamespaceFilter.condition(keyColumn) + " group by 1", rs -> {
                    entry(found, rs.getString(1), who).put(table, rs.getLong(2));
                }, visible.parameter(), visible.parameter());
    }

    private ObjectNode entry(Map<String, ObjectNode> found, String namespace, Principal who) {
        return found.computeIfAbsent(namespace, ns -> {
            ObjectNode node = json.createObjectNode().put("name", ns)
                    .put("role", who.roleIn(ns).map(Role::label).orElse(null));
            for (String kind : KINDS) {
                node.put(kind, 0);
            }
            return node;
        });
    }
}
