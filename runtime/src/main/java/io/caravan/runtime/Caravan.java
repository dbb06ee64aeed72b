package io.caravan.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.checkpoint.CheckpointRoute;
import io.caravan.connectors.sql.SqlStep;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.connectors.storage.S3Clients;
import io.caravan.runtime.serialization.SerialFilter;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.job.expression.Expressions;
import io.caravan.job.step.StepKinds;
import io.caravan.job.validation.JobValidator;
import io.caravan.runtime.api.ApiRoutes;
import io.caravan.runtime.api.Handlers;
import io.caravan.runtime.access.Tokens;
import io.caravan.runtime.config.CaravanConfig;
import io.caravan.runtime.embedded.EmbeddedDatabase;
import io.caravan.runtime.embedded.EmbeddedObjectStore;
import io.caravan.runtime.execution.ExecutionService;
import io.caravan.runtime.execution.WorkerPool;
import io.caravan.runtime.store.Notifications;
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
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    /** How often a node loads the jobs other nodes changed: a schedule of a new job fires here no later. */
    private static final java.time.Duration JOB_SYNC_PERIOD = java.time.Duration.ofSeconds(2);

    private final CaravanConfig config;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** The HTTP server's worker threads (Vert.x's default is 20): room for the sync webhook calls that wait. */
    static final int HTTP_WORKER_THREADS = 200;
    /** The region S3 requests are signed for. MinIO and s3proxy accept any; AWS S3 elsewhere would need a setting. */
    private static final String REGION = "us-east-1";
    /** How long a readiness check waits for the database or the object store. */
    private static final java.time.Duration PROBE_TIMEOUT = java.time.Duration.ofSeconds(2);
    /** How long a readiness report is reused: a storm of probes costs one round of checks per second. */
    private static final java.time.Duration PROBE_CACHE = java.time.Duration.ofSeconds(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Main main = new Main();
    private volatile boolean ready;
    /** Set as {@link #close()} begins: liveness answers 503 from then on. */
    private volatile boolean stopping;
    private io.caravan.runtime.nodes.NodeHeartbeat heartbeat;
    private volatile boolean mainStarted;
    private volatile Throwable failure;
    private CamelContext camel;
    private String generatedToken;
    private String databaseUrl;
    private String s3Endpoint;
    private MinioClient minio;
    /** The API's HTTPS key material, or null for plain HTTP. */
    private org.apache.camel.support.jsse.SSLContextParameters serverTls;

    private Caravan(CaravanConfig config) {
        this.config = config;
    }

    /** Starts a node from this process's configuration and blocks until it stops. */
    public static void main(String[] args) throws Exception {
        Caravan caravan;
        try {
            caravan = start(config());
        } catch (Exception | Error e) {
            // a server thread left behind must not keep a process that failed to start alive
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(caravan::close, "caravan-shutdown"));
        caravan.stopped.await();
    }

    /** This process's configuration; a bad value is said before the process ends, naming its key. */
    private static CaravanConfig config() {
        try {
            return CaravanConfig.load();
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.error("Caravan could not start: {}", e.getMessage());
            throw e;
        }
    }

    /** Starts a node and returns once it is healthy. */
    public static Caravan start(CaravanConfig config) throws Exception {
        SerialFilter.install(); // before anything could read a stream
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
        // a certificate that cannot be used stops the node before anything else starts
        serverTls = config.tls().enabled() ? io.caravan.runtime.tls.ServerTls.parameters(config.tls()) : null;
        // what does not need the database starts beside it: each takes a second or more on 2 cores,
        // mostly class loading, while PostgreSQL starting is mostly waiting for its process
        CompletableFuture<Language> language = CompletableFuture.supplyAsync(Language::load, Caravan::bootThread);
        // the embedded S3 server's port is chosen first, so that its client is built beside it
        int s3Port = config.embeddedObjectStore() ? EmbeddedObjectStore.freePort() : 0;
        CompletableFuture<EmbeddedObjectStore> embeddedS3 = config.embeddedObjectStore()
                ? CompletableFuture.supplyAsync(() -> startObjectStore(s3Port), Caravan::bootThread) : null;
        if (embeddedS3 != null) {
            // closed with the node even when the database fails first and join() is never reached
            resources.push(() -> closeWhenStarted(embeddedS3));
        }
        CompletableFuture<MinioClient> s3Client = CompletableFuture.supplyAsync(() -> s3Client(s3Port == 0
                ? config.s3Endpoint() : EmbeddedObjectStore.endpoint(s3Port)), Caravan::bootThread);
        if (embeddedS3 != null) { // the port may have been taken meanwhile: the server then took another
            s3Client = s3Client.thenCombine(embeddedS3, (client, store) -> store.endpoint()
                    .equals(EmbeddedObjectStore.endpoint(s3Port)) ? client : s3Client(store.endpoint()));
        }
        // the HTTP server's worker threads: a sync webhook's call holds one until its execution ends
        CompletableFuture<Vertx> vertx = CompletableFuture.supplyAsync(() -> Vertx.vertx(
                new VertxOptions().setWorkerPoolSize(HTTP_WORKER_THREADS)), Caravan::bootThread);
        resources.push(() -> closeWhenStarted(vertx.thenApply(v -> () -> v.close().toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS))));
        // camel-main builds its context while the database starts; the wiring waits for the stores
        CompletableFuture<Stores> stores = new CompletableFuture<>();
        startMain(new Wiring(stores, language, vertx));
        try {
            stores.complete(openStores(embeddedS3, s3Client));
        } catch (Exception | Error e) {
            stores.completeExceptionally(e);
            throw e;
        }
        if (!started.await(5, TimeUnit.MINUTES) || failure != null) {
            throw new IllegalStateException("Caravan did not start: "
                    + (failure == null ? "timed out" : failure.getMessage()), failure);
        }
        LOG.info("Caravan node {} ready on port {} ({}) in {} ms", config.nodeId(), config.httpPort(), config.tls(),
                (System.nanoTime() - t0) / 1_000_000);
        if (generatedToken != null) {
            System.out.println("\n  Caravan admin token (shown once, store it now): " + generatedToken + "\n");
        }
    }

    /** The stores a node runs on: its database, the object store's client, and the `local` database. */
    private record Stores(Database db, MinioClient minio, DataSource local, String dbUrl) {
    }

    private Stores openStores(CompletableFuture<EmbeddedObjectStore> embeddedS3, CompletableFuture<MinioClient> s3Client)
            throws Exception {
        String dbUrl = config.dbUrl();
        DataSource local = null;
        if (config.embeddedDatabase()) {
            EmbeddedDatabase pg = EmbeddedDatabase.start(config.dataDir().resolve("postgres"));
            resources.push(pg);
            dbUrl = pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB);
            var pool = Database.stepPool("caravan-local", pg.jdbcUrl(EmbeddedDatabase.LOCAL_DB), "postgres", "postgres", 8);
            resources.push(pool);
            local = pool;
        } else if (config.localDbUrl() != null) {
            // with an external database there is no embedded `local` one; this names its stand-in
            var pool = Database.stepPool("caravan-local", config.localDbUrl(), config.dbUser(), config.dbPassword(), 8);
            resources.push(pool);
            local = pool;
        }
        Database db = Database.open(dbUrl, config.dbUser(), config.dbPassword(), config.workers() + 6,
                "caravan " + config.nodeId());
        resources.push(db);
        heartbeat = new io.caravan.runtime.nodes.NodeHeartbeat(db, config.nodeId(), version());
        resources.push(heartbeat);
        databaseUrl = dbUrl;
        s3Endpoint = embeddedS3 == null ? config.s3Endpoint() : join(embeddedS3).endpoint();
        minio = join(s3Client);
        return new Stores(db, minio, local, dbUrl);
    }

    /** Runs camel-main on its own thread; {@code started} counts down when the node is ready or failed. */
    private void startMain(Wiring wiring) {
        main.configure().setName("caravan");
        main.addInitialProperty("camel.server.enabled", "true");
        main.addInitialProperty("camel.server.port", String.valueOf(config.httpPort()));
        main.addInitialProperty("camel.server.host", "0.0.0.0");
        main.addInitialProperty("camel.server.maxBodySize", String.valueOf(config.http().apiMaxBody()));
        if (serverTls != null) {
            // the server takes the context's SSL parameters (set in Wiring): HTTPS only, on the same port
            main.addInitialProperty("camel.server.useGlobalSslContextParameters", "true");
        }
        main.addInitialProperty("camel.main.streamCachingEnabled", "false");
        // JMX with the context's own name, so that a job's route is found as
        // org.apache.camel:context=caravan,type=routes,name="job.<id>" and each step as
        // type=processors,name="<job>.<step>", with exchange counts and times (what Hawtio shows)
        main.addInitialProperty("camel.main.jmxEnabled", "true");
        main.addInitialProperty("camel.main.jmxManagementNamePattern", "#name#");
        main.addInitialProperty("camel.main.jmxManagementMBeansLevel", "Default");
        main.addInitialProperty("camel.main.jmxManagementStatisticsLevel", "Default");
        main.addInitialProperty("camel.main.shutdownTimeout", "30");
        main.addInitialProperty("camel.rest.component", "platform-http");
        main.addInitialProperty("camel.main.routesIncludePattern", "classpath:routes/*.yaml");
        main.addInitialProperty("caravan.housekeeping.interval.millis",
                String.valueOf(config.housekeeping().interval().toMillis()));
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
    }

    /**
     * Closes what a boot task starts, once it has started: a node that fails to start must not
     * leave a server behind that is still starting when {@link #close()} returns.
     */
    private static void closeWhenStarted(CompletableFuture<? extends AutoCloseable> task) throws Exception {
        AutoCloseable started;
        try {
            started = task.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return; // it did not start: nothing to close
        }
        started.close();
    }

    /** A boot task's own thread: the common pool may have a single thread on 2 cores. */
    private static void bootThread(Runnable task) {
        Thread t = new Thread(task, "caravan-boot");
        t.setDaemon(true);
        t.start();
    }

    /** The value of a boot task, its failure thrown as it was (not wrapped in CompletionException). */
    private static <T> T join(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The job language: the parts that read, check and compile job documents, built at boot. */
    private record Language(ObjectMapper json, Expressions expressions, StepKinds kinds, JobValidator validator) {
        static Language load() {
            ObjectMapper json = new ObjectMapper();
            Expressions expressions = new Expressions();
            StepKinds kinds = StepKinds.load();
            return new Language(json, expressions, kinds, new JobValidator(kinds, expressions, json));
        }
    }

    /** The S3 client: with the embedded server's fixed local credentials, or the configured ones. */
    private MinioClient s3Client(String endpoint) {
        return config.embeddedObjectStore()
                ? S3Clients.client(endpoint, EmbeddedObjectStore.ACCESS_KEY, EmbeddedObjectStore.SECRET_KEY, REGION)
                : S3Clients.client(endpoint, config.s3AccessKey(), config.s3SecretKey(), REGION);
    }

    private EmbeddedObjectStore startObjectStore(int port) {
        try {
            return EmbeddedObjectStore.start(config.dataDir().resolve("s3"), port);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded S3 server: " + e.getMessage(), e);
        }
    }

    /** Builds the node's parts once camel-main has a CamelContext, and starts them when it runs. */
    private final class Wiring extends MainListenerSupport {
        private final CompletableFuture<Stores> stores;
        private final CompletableFuture<Language> language;
        private final CompletableFuture<Vertx> vertx;
        private Database db;
        private DataSource local;
        private String dbUrl;
        private JobService jobs;
        private WorkerPool workers;
        private io.caravan.runtime.logs.ExecutionLogs logs;
        private io.caravan.runtime.logs.LiveStreams streams;
        private ConnectionRegistry connections;
        private ExecutionStore executions;
        private FileDisposal disposal;

        Wiring(CompletableFuture<Stores> stores, CompletableFuture<Language> language,
                CompletableFuture<Vertx> vertx) {
            this.stores = stores;
            this.language = language;
            this.vertx = vertx;
        }

        @Override
        public void afterConfigure(BaseMainSupport main) {
            try {
                camel = main.getCamelContext();
                if (serverTls != null) {
                    // read by platform-http as its server starts; camel-http leaves the global
                    // parameters alone (its useGlobalSslContextParameters is off)
                    camel.setSSLContextParameters(serverTls);
                }
                Stores opened = join(stores);
                db = opened.db();
                local = opened.local();
                dbUrl = opened.dbUrl();
                camel.getRegistry().bind(ObjectStore.CLIENT_BEAN, opened.minio());
                camel.getRegistry().bind(io.caravan.connectors.egress.EgressPolicy.BEAN, config.egress()); // http steps
                if (local != null) {
                    camel.getRegistry().bind(SqlStep.dataSourceBean("local"), local);
                }
                Language language = join(this.language);
                new io.caravan.runtime.api.HttpHardening(config.http(), serverTls != null, language.json())
                        .register(camel);
                camel.getRegistry().bind("caravan-vertx", join(vertx)); // platform-http uses it, does not own it
                io.caravan.runtime.metrics.Metrics metrics = new io.caravan.runtime.metrics.Metrics();
                resources.push(metrics);
                metrics.instrument(camel); // before any route is added: each gets its route meters
                io.caravan.runtime.metrics.QueueGauges.register(metrics.registry(), db.jdbc());
                camel.addComponent("quartz", ScheduleStore.component(dbUrl, config.dbUser(), config.dbPassword(),
                        config.nodeId()));
                ObjectMapper json = language.json();
                Expressions expressions = language.expressions();
                StepKinds kinds = language.kinds();
                JobValidator validator = language.validator();
                ObjectStore objects = new ObjectStore(camel, config.s3Bucket(),
                        ObjectStore.encryption(config.s3Encryption(), config.s3KmsKey()));
                camel.getRegistry().bind(io.caravan.connectors.files.ExecutionFiles.BEAN, objects); // steps' files
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
                logs = new io.caravan.runtime.logs.ExecutionLogs(db);
                resources.push(logs);
                workers = new WorkerPool(executions, objects, loaded, jobs, camel.createProducerTemplate(), json,
                        config.nodeId(), config.workers(), config.leaseExpiry(), config.heartbeat(), secrets,
                        connections::settings, logs, new io.caravan.runtime.metrics.ExecutionMeters(metrics.registry()));
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
                        answers, json, config.http().webhookMaxBody(),
                        new io.caravan.runtime.metrics.WebhookMeters(metrics.registry())), json));
                Tokens tokens = new Tokens(db, json);
                streams = new io.caravan.runtime.logs.LiveStreams(logs, executions, tokens, json);
                generatedToken = tokens.seedAdmin(config.adminToken());
                io.caravan.runtime.access.AuditLog audit = new io.caravan.runtime.access.AuditLog(db, config.nodeId());
                camel.addRoutes(new CheckpointRoute(objects, json, metrics.registry()));
                camel.addRoutes(new io.caravan.runtime.metrics.MetricsRoutes(metrics, tokens, config.metricsAuth(), json));
                camel.getRegistry().bind(io.caravan.runtime.housekeeping.Housekeeping.BEAN,
                        new io.caravan.runtime.housekeeping.Housekeeping(db, objects, config.housekeeping().retention(),
                                loaded::definitions));
                io.caravan.runtime.bundles.Bundles bundles = new io.caravan.runtime.bundles.Bundles(jobs, connectionStore, json);
                camel.addRoutes(new ApiRoutes(new ApiRoutes.Features(
                        new Handlers(jobs, runs, executions, objects, camel, validator.schema(), json,
                                () -> io.caravan.runtime.nodes.NodeHeartbeat.list(db)),
                        new io.caravan.runtime.secrets.SecretsApi(secrets, json),
                        new ConnectionsApi(connectionStore, connections, jobs::jobsUsing, json),
                        new io.caravan.runtime.jobs.VersionsApi(jobs, jobStore, json),
                        new io.caravan.runtime.bundles.BundlesApi(bundles, new io.caravan.runtime.bundles.BundleImport(
                                bundles, jobs, connectionStore, connections, secrets, json), json),
                        new io.caravan.runtime.jobs.CatalogueApi(jobs, json),
                        new io.caravan.runtime.access.TokensApi(tokens, json),
                        new io.caravan.runtime.access.AuditApi(audit, json),
                        new io.caravan.runtime.nodes.ExecutorStatus(db, config.nodeId(), config.workers(),
                                workers::busy, json),
                        new io.caravan.runtime.metrics.StatsApi(jobs, new io.caravan.runtime.metrics.JobStats(db.jdbc()), json),
                        new io.caravan.runtime.access.NamespacesApi(db.jdbc(), json),
                        new io.caravan.runtime.console.ConsoleSettings(config.hawtioUrl(), json)),
                        tokens, audit, json, () -> ready));
                camel.addRoutes(new io.caravan.runtime.health.HealthRoutes(readiness(), () -> stopping, json));
            } catch (Exception e) {
                throw new IllegalStateException("cannot wire Caravan: " + e.getMessage(), e);
            }
        }

        /**
         * What {@code /health/ready} checks: the node started and not stopping, its database, its
         * bucket (through a client of its own that gives up after {@link #PROBE_TIMEOUT}), Quartz
         * and the workers.
         */
        private io.caravan.runtime.health.Readiness readiness() {
            MinioClient probe = s3Client(s3Endpoint);
            long millis = PROBE_TIMEOUT.toMillis();
            probe.setTimeout(millis, millis, millis);
            Map<String, io.caravan.runtime.health.Readiness.Check> checks = new java.util.LinkedHashMap<>();
            checks.put("node", io.caravan.runtime.health.NodeChecks.node(
                    () -> stopping ? "STOPPING" : ready ? "UP" : "STARTING"));
            checks.put("database", io.caravan.runtime.health.NodeChecks.database(db.dataSource(), PROBE_TIMEOUT));
            checks.put("objectStore", io.caravan.runtime.health.NodeChecks.objectStore(probe, config.s3Bucket()));
            checks.put("scheduler", io.caravan.runtime.health.NodeChecks.scheduler(
                    () -> camel.getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class).getScheduler()));
            checks.put("workers", io.caravan.runtime.health.NodeChecks.workers(workers));
            var readiness = new io.caravan.runtime.health.Readiness(checks, PROBE_TIMEOUT, PROBE_CACHE);
            resources.push(readiness);
            return readiness;
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
                resources.push(Periodic.every("caravan-file-disposal", java.time.Duration.ofSeconds(15), disposal::sweep));
                streams.register(camel, config.httpPort());
                io.caravan.runtime.console.ConsoleServer.register(camel, config.httpPort());
                ApiRoutes.startUnknown(camel);
                workers.start();
                resources.push(workers);
                heartbeat.reportWorkers(config.workers(), workers::busy);
                if (config.jolokia().enabled()) {
                    resources.push(io.caravan.runtime.management.JolokiaAgent.start(config.jolokia()));
                }
                resources.push(Notifications.listen(db, Map.of(
                        Notifications.QUEUE, new Notifications.Channel(payload -> workers.wake(), workers::wake),
                        Notifications.EVENTS, new Notifications.Channel(streams::publish, () -> { }))));
                ready = true;
                LOG.info("{} job(s) loaded", count);
            } catch (RuntimeException e) {
                failure = e;
            } catch (org.quartz.SchedulerException e) {
                failure = new IllegalStateException("the schedules cannot start: " + e.getMessage(), e);
            } catch (Exception e) {
                failure = new IllegalStateException("the API cannot start: " + e.getMessage(), e);
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
        stopping = true;
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
