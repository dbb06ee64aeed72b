package io.caravan.runtime.execution;

import io.caravan.job.execution.ExecutionContext;
import io.caravan.runtime.store.Lease;

/** An execution running on this node, with the lease it runs under and how long that lease holds by this node's clock. */
record Running(ExecutionContext context, Lease lease, LeaseClock clock) {
}
