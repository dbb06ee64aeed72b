package io.caravan.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class whose tests share one in-process node, started before the first and closed after the last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneNode {

    protected TestNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    void closeNode() {
        node.close();
    }
}
