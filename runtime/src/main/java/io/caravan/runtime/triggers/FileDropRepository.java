package io.caravan.runtime.triggers;

import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;

/**
 * Which dropped files were taken, shared by all nodes (camel-sql's JDBC repository on
 * PostgreSQL): the node whose insert wins takes the file. In Camel 4.17 a lost race lets the
 * duplicate-key error escape (a failed poll and a reconnect); here it is the "no" it means.
 */
public final class FileDropRepository extends JdbcMessageIdRepository {

    public FileDropRepository(DataSource dataSource) {
        super(dataSource, "caravan-file-drops");
    }

    @Override
    public boolean add(String key) {
        try {
            return super.add(key);
        } catch (DuplicateKeyException e) {
            return false;
        }
    }
}
