package io.caravan.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.CheckpointRoute;
import io.caravan.connectors.sql.SqlStep;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.job.expression.Expressions;
import io.caravan.job.step.StepKinds;
import io.caravan.job.validation.JobValidator;
import io.caravan.runtime.api.ApiRoutes;
import io.caravan.runtime.api.Handlers;
import io.caravan.runtime.api.Tokens;
import io.caravan.runtime.config.CaravanConfig;
import io.caravan.runtime.embedded.EmbeddedDatabase;
import io.caravan.runtime.embedded.EmbeddedObjectStore;
import io.caravan.runtime.execution.ExecutionService;
import io.caravan.runtime.execution.WorkerPool;
import io.caravan.runtime.hooks.HookRoutes;
import io.caravan.runtime.hooks.WebhookIntake;
import io.caravan.runtime.connections.ConnectionRegistry;
import io.caravan.runtime.connections.ConnectionStore;
import io.caravan.runtime.connections.ConnectionsApi;
import io.caravan.runtime.jobs.JobService;
import io.caravan.runtime.secrets.MasterKey;
import io.caravan.runtime.secrets.SecretStore;
import io.caravan.runtime.triggers.FileDisposal;
import io.caravan.runtime.triggers.FileDropRepository;
import io.caravan.runtime.triggers.ScheduleFires;
import io.caravan.runtime.triggers.ScheduleStore;
import io.caravan.runtime.triggers.Schedules;
import io.caravan.runtime.jobs.LoadedJobs;
import io.caravan.runtime.store.Database;
import io.caravan.runtime.store.ExecutionStore;
import io.caravan.runtime.store.JobStore;
import io.minio.MinioClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Caravan node: camel-main with the API on platform-http, the job routes, the checkpoint route
 * and the workers; embedded PostgreSQL and S3 unless configured otherwise.
 */
public final class Caravan implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Caravan.class);
    /** Largest request body the API reads; a job document is a few kilobytes. */
    static final long MAX_BODY_BYTES = 4L * 1024 * 1024;
    /** How often a node loads the jobs other nodes changed: a schedule of a new job fires here no later. */
    private static final java.time.Duration JOB_SYNC_PERIOD = java.time.Duration.ofSeconds(2);

    private final CaravanConfig config;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** The HTTP server's worker threads (Vert.x's default is 20): room for the sync webhook calls that wait. */
    static final int HTTP_WORKER_THREADS = 200;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Main main = new Main();
    private volatile boolean ready;
    private volatile boolean mainStarted;
    private volatile Throwable failure;
    private CamelContext camel;
    private String generatedToken;
    private String databaseUrl;
    private String s3Endpoint;
    private MinioClient minio;

    private Caravan(CaravanConfig config) {
        this.config = config;
    }

    /** Starts a node from this process's configuration and blocks until it stops. */
    public static void main(String[] args) throws Exception {
        Caravan caravan;
        try {
            caravan = start(CaravanConfig.load());
        } catch (Exception | Error e) {
            // a server thread left behind must not keep a process that failed to start alive
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(caravan::close, "caravan-shutdown"));
        caravan.stopped.await();
    }

    /** Starts a node and returns once it is healthy. */
    public static Caravan start(CaravanConfig config) throws Exception {
        Caravan caravan = new Caravan(config);
        try {
            caravan.boot();
            return caravan;
        } catch (Exception | Error e) {
            LOG.error("Caravan could not start: {}", e.getMessage());
            caravan.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        long t0 = System.nanoTime();
        // the embedded servers start side by side: each takes seconds, mostly class loading and I/O
        java.util.concurrent.CompletableFuture<EmbeddedObjectStore> embeddedS3 = config.embeddedObjectStore()
                ? java.util.concurrent.CompletableFuture.supplyAsync(this::startObjectStore) : null;
        if (embeddedS3 != null) {
            // closed with the node even when the database fails first and join() is never reached
            resources.push(() -> embeddedS3.thenAccept(Caravan::closeQuietly));
        }
        String dbUrl = config.dbUrl();
        DataSource local = null;
        if (config.embeddedDatabase()) {
            EmbeddedDatabase pg = EmbeddedDatabase.start(config.dataDir().resolve("postgres"));
            resources.push(pg);
            dbUrl = pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB);
            var pool = Database.pool("caravan-local", pg.jdbcUrl(EmbeddedDatabase.LOCAL_DB), "postgres", "postgres", 8);
            resources.push(pool);
            local = pool;
        } else if (config.localDbUrl() != null) {
            // with an external database there is no embedded `local` one; this names its stand-in
            var pool = Database.pool("caravan-local", config.localDbUrl(), config.dbUser(), config.dbPassword(), 8);
            resources.push(pool);
            local = pool;
        }
        String s3 = config.s3Endpoint();
        String accessKey = config.s3AccessKey();
        String secretKey = config.s3SecretKey();
        if (embeddedS3 != null) {
            EmbeddedObjectStore store = embeddedS3.join();
            s3 = store.endpoint();
            accessKey = EmbeddedObjectStore.ACCESS_KEY;
            secretKey = EmbeddedObjectStore.SECRET_KEY;
        }
        Database db = Database.open(dbUrl, config.dbUser(), config.dbPassword(), config.workers() + 6,
                "caravan " + config.nodeId());
        resources.push(db);
        resources.push(new io.caravan.runtime.nodes.NodeHeartbeat(db, config.nodeId(), version()));
        databaseUrl = dbUrl;
        s3Endpoint = s3;
        minio = io.caravan.connectors.storage.S3Clients.client(s3, accessKey, secretKey, "us-east-1");
        Wiring wiring = new Wiring(db, minio, local, dbUrl);
        main.configure().setName("caravan");
        main.addInitialProperty("camel.server.enabled", "true");
        main.addInitialProperty("camel.server.port", String.valueOf(config.httpPort()));
        main.addInitialProperty("camel.server.host", "0.0.0.0");
        main.addInitialProperty("camel.server.maxBodySize", String.valueOf(MAX_BODY_BYTES));
        main.addInitialProperty("camel.main.streamCachingEnabled", "false");
        main.addInitialProperty("camel.main.shutdownTimeout", "30");
        main.addInitialProperty("camel.rest.component", "platform-http");
        main.bind(ObjectStore.CLIENT_BEAN, minio);
        if (local != null) {
            main.bind(SqlStep.dataSourceBean("local"), local);
        }
        main.addMainListener(wiring);
        Thread runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                failure = e;
                started.countDown();
            } finally {
                stopped.countDown();
            }
        }, "caravan-main");
        mainStarted = true;
        runner.start();
        if (!started.await(5, TimeUnit.MINUTES) || failure != null) {
            throw new IllegalStateException("Caravan did not start: "
                    + (failure == null ? "timed out" : failure.getMessage()), failure);
        }
        LOG.info("Caravan node {} ready on port {} in {} ms", config.nodeId(), config.httpPort(),
                (System.nanoTime() - t0) / 1_000_000);
        if (generatedToken != null) {
            System.out.println("\n  Caravan admin token (shown once, store it now): " + generatedToken + "\n");
        }
    }

    private EmbeddedObjectStore startObjectStore() {
        try {
            return EmbeddedObjectStore.start(config.dataDir().resolve("s3"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded S3 server: " + e.getMessage(), e);
        }
    }

    /** Builds the node's parts once camel-main has a CamelContext, and starts them when it runs. */
    private final class Wiring extends MainListenerSupport {
        private final Database db;
        private final MinioClient minio;
        private final DataSource local;
        private final String dbUrl;
        private JobService jobs;
        private WorkerPool workers;
        private ConnectionRegistry connections;
        private ExecutionStore executions;
        private FileDisposal disposal;

        Wiring(Database db, MinioClient minio, DataSource local, String dbUrl) {
            this.db = db;
            this.minio = minio;
            this.local = local;
            this.dbUrl = dbUrl;
        }

        @Override
        public void afterConfigure(BaseMainSupport main) {
            try {
                camel = main.getCamelContext();
                // the HTTP server's worker threads: a sync webhook's call holds one until its execution ends
                camel.getRegistry().bind("caravan-vertx-options",
                        new io.vertx.core.VertxOptions().setWorkerPoolSize(HTTP_WORKER_THREADS));
                camel.addComponent("quartz", ScheduleStore.component(dbUrl, config.dbUser(), config.dbPassword(),
                        config.nodeId()));
                ObjectMapper json = new ObjectMapper();
                Expressions expressions = new Expressions();
                StepKinds kinds = StepKinds.load();
                JobValidator validator = new JobValidator(kinds, expressions, json);
                ObjectStore objects = new ObjectStore(camel, config.s3Bucket());
                LoadedJobs loaded = new LoadedJobs(camel);
                io.caravan.runtime.secrets.Sealer sealer = new io.caravan.runtime.secrets.Sealer(masterKey());
                ConnectionStore connectionStore = new ConnectionStore(db, sealer, json);
                connections = new ConnectionRegistry(connectionStore, camel, local != null);
                resources.push(connections);
                JobStore jobStore = new JobStore(db);
                jobs = new JobService(jobStore, objects, validator, new JobCompiler(kinds, expressions, json),
                        loaded, connections::names, json);
                executions = new ExecutionStore(db);
                SecretStore secrets = new SecretStore(db, sealer);
                workers = new WorkerPool(executions, objects, loaded, jobs, camel.createProducerTemplate(), json,
                        config.nodeId(), config.workers(), config.leaseExpiry(), config.heartbeat(), secrets,
                        connections::settings);
                ExecutionService runs = new ExecutionService(jobs, executions, workers, secrets.params(), json);
                FileDropRepository drops = new FileDropRepository(db.jdbc(), config.nodeId());
                camel.getRegistry().bind(io.caravan.runtime.triggers.FileDrops.REPOSITORY, drops);
                disposal = new FileDisposal(connectionStore, drops, json);
                io.caravan.runtime.hooks.SyncAnswers answers = new io.caravan.runtime.hooks.SyncAnswers(executions, objects, json);
                resources.push(answers);
                workers.setEnded(io.caravan.runtime.execution.ExecutionEnded.all(answers, disposal));
                jobs.setTriggers(io.caravan.runtime.jobs.JobTriggers.all(
                        new Schedules(camel, new ScheduleFires(runs, expressions)),
                        new io.caravan.runtime.triggers.FileDrops(camel, connectionStore, objects, runs, drops)));
                camel.addRoutes(new HookRoutes(new WebhookIntake(loaded, runs, secrets,
                        new io.caravan.runtime.hooks.RateLimits(db.dataSource()),
                        answers, json), json));
                Tokens tokens = new Tokens(db);
                generatedToken = tokens.seedAdmin(config.adminToken());
                camel.addRoutes(new CheckpointRoute(objects, json));
                io.caravan.runtime.bundles.Bundles bundles = new io.caravan.runtime.bundles.Bundles(jobs, connectionStore, json);
                camel.addRoutes(new ApiRoutes(new ApiRoutes.Features(
                        new Handlers(jobs, runs, executions, objects, camel, validator.schema(), json,
                                () -> io.caravan.runtime.nodes.NodeHeartbeat.list(db)),
                        new io.caravan.runtime.secrets.SecretsApi(secrets, json),
                        new ConnectionsApi(connectionStore, connections, jobs::jobsUsing, json),
                        new io.caravan.runtime.jobs.VersionsApi(jobs, jobStore, json),
                        new io.caravan.runtime.bundles.BundlesApi(bundles, new io.caravan.runtime.bundles.BundleImport(
                                bundles, jobs, connectionStore, connections, secrets, json), json),
                        new io.caravan.runtime.jobs.CatalogueApi(jobs, json)),
                        tokens, json, () -> ready));
            } catch (Exception e) {
                throw new IllegalStateException("cannot wire Caravan: " + e.getMessage(), e);
            }
        }

        /** CARAVAN_MASTER_KEY; with the embedded database and none given, one kept beside the data; else none. */
        private MasterKey masterKey() throws java.io.IOException {
            if (config.masterKey() != null) {
                return MasterKey.of(config.masterKey());
            }
            return config.embeddedDatabase() ? MasterKey.kept(config.dataDir().resolve("master.key")) : null;
        }

        @Override
        public void afterStart(BaseMainSupport main) {
            try {
                connections.sync();
                int count = jobs.loadAll();
                ScheduleStore.start(camel);
                // jobs and connections other nodes changed: a schedule fires on whichever node Quartz
                // picks, and that node must have the job's route
                resources.push(Periodic.every("caravan-job-sync", JOB_SYNC_PERIOD, () -> {
                    connections.sync();
                    int changed = jobs.sync();
                    if (changed > 0) {
                        LOG.info("{} job(s) changed by other nodes loaded here", changed);
                    }
                }));
                resources.push(Periodic.every("caravan-housekeeping", java.time.Duration.ofMinutes(10),
                        executions::purgeDeliveries));
                resources.push(Periodic.every("caravan-file-disposal", java.time.Duration.ofSeconds(15), disposal::sweep));
                workers.start();
                resources.push(workers);
                ready = true;
                LOG.info("{} job(s) loaded", count);
            } catch (RuntimeException e) {
                failure = e;
            } catch (org.quartz.SchedulerException e) {
                failure = new IllegalStateException("the schedules cannot start: " + e.getMessage(), e);
            } finally {
                started.countDown();
            }
        }
    }

    /** The port the API listens on. */
    public int port() {
        return config.httpPort();
    }

    /** This build's version, from the jar's manifest (a development build has none). */
    static String version() {
        String version = Caravan.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** The admin token generated (and printed) at this start, or null when none was. */
    public String generatedAdminToken() {
        return generatedToken;
    }

    /** This node's id. */
    public String nodeId() {
        return config.nodeId();
    }

    /** The JDBC URL of Caravan's own database. */
    public String databaseUrl() {
        return databaseUrl;
    }

    /** The S3 endpoint in use. */
    public String s3Endpoint() {
        return s3Endpoint;
    }

    /** A client of the object store in use. */
    public MinioClient objectStoreClient() {
        return minio;
    }

    /** The bucket in use. */
    public String bucket() {
        return config.s3Bucket();
    }

    /** The CamelContext of this node. */
    public CamelContext camel() {
        return camel;
    }

    /** Stops the node: workers, Camel, then the embedded servers. */
    @Override
    public synchronized void close() {
        ready = false;
        AutoCloseable workers = resources.stream().filter(r -> r instanceof WorkerPool).findFirst().orElse(null);
        closeQuietly(workers);
        resources.remove(workers);
        if (mainStarted) { // else nothing will ever count `stopped` down
            main.completed();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        while (!resources.isEmpty()) {
            closeQuietly(resources.pop());
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.getMessage());
        }
    }

}
