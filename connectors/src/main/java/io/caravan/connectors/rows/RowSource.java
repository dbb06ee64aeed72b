package io.caravan.connectors.rows;

import java.util.Iterator;
import java.util.Map;

/** Rows read one at a time from wherever they are (a list in the context, a file); closed when done. */
public interface RowSource extends Iterator<Map<String, Object>>, AutoCloseable {

    @Override
    void close();
}
