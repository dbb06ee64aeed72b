package io.caravan.connectors.rows;

import java.io.InputStream;
import java.util.Map;

/**
 * A file format rows can be streamed from, found through {@link java.util.ServiceLoader}: a
 * reader step ({@code csv.read}, {@code xlsx.read}) hands large files on as a reference to the
 * file and its options, and the step that takes the rows reads them through this.
 */
public interface RowFormat {

    /** The name in a rows reference's {@code format}. */
    String name();

    /**
     * Rows of a file with the options the reader step was given; the source closes {@code in}.
     *
     * @throws Exception when the file cannot be read as this format
     */
    RowSource open(InputStream in, Map<String, Object> options) throws Exception;
}
