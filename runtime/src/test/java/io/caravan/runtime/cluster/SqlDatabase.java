package io.caravan.runtime.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One database of the shared PostgreSQL, for the test to read and write with plain JDBC. Each
 * call opens its own connection: the server may have been restarted since the last one, and a
 * pool would hand out a dead connection.
 *
 * @param url      the JDBC URL, the same one the nodes are given
 * @param user     the user
 * @param password the password
 */
public record SqlDatabase(String url, String user, String password) {

    /** Runs a query with {@code ?} bound to {@code args}; each row is column label → value, in column order. */
    public List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** Runs a statement (DML or DDL) with {@code ?} bound to {@code args}; returns the update count. */
    public int update(String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
