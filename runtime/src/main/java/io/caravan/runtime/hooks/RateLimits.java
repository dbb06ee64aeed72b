package io.caravan.runtime.hooks;

import io.caravan.job.model.TriggerSpec;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A webhook's {@code rateLimit} as a bucket4j token bucket kept in PostgreSQL
 * ({@code rate_limit_buckets}, row-locked per take), so every node draws from the same bucket
 * and the sum over nodes stays within the limit.
 */
public final class RateLimits {

    private final ProxyManager<String> buckets;

    public RateLimits(DataSource dataSource) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    /**
     * Takes one request from the job's bucket.
     *
     * @return zero when it may go on, else how long until the next request would be allowed
     */
    public Duration take(String jobId, TriggerSpec.RateLimit limit) {
        Duration per = Duration.parse(limit.per());
        // the key names the limit too: a changed limit starts a bucket of its own
        String key = "webhook:" + jobId + ":" + limit.requests() + "/" + limit.per();
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limit.requests()).refillGreedy(limit.requests(), per).build())
                .build();
        ConsumptionProbe probe = buckets.builder().build(key, () -> config).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }
}
