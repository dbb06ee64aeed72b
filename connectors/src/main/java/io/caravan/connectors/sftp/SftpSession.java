package io.caravan.connectors.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileExist;
import org.apache.camel.component.file.remote.RemoteFile;
import org.apache.camel.component.file.remote.RemoteFileConfiguration;
import org.apache.camel.component.file.remote.RemoteFileOperations;
import org.apache.camel.component.file.remote.SftpComponent;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.component.file.remote.SftpOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * One SSH session to an {@code sftp} connection for one run of a step, on camel-sftp: an
 * {@link SftpEndpoint} built for this run (not registered in the CamelContext, so runs never share
 * one and nothing of it outlives the step), its {@link SftpOperations} for listing, reading and
 * deleting, and its producer for writing — temporary name then rename, directories created,
 * existing files replaced or refused — exactly as a {@code to("sftp:…")} would.
 *
 * <p>The login is the runtime's file-drop trigger's: the connection's password, or its
 * {@code privateKey} (and {@code passphrase}) from the secret store, set on the endpoint's
 * configuration and never written into its URI (which shows in logs); the server's host key checked
 * against the connection's {@code knownHosts} text only — {@code StrictHostKeyChecking=yes}, the
 * user's {@code ~/.ssh/known_hosts} not read — so an unknown or changed key is refused. Camel's own
 * reconnect attempts are off: a refused login must not be tried again at once, and a step's retries
 * are the job's to decide ({@link SftpErrors} says which failures are retryable).
 *
 * <p>Two things camel-sftp's operations do not offer are done on a second SFTP channel of the same
 * JSch session (the one camel-sftp opened, taken when it is created): {@link #stat} (whether a path
 * is a file or a directory, its size and time; {@code listFiles} of a path cannot tell a file from a
 * directory holding one entry of the same name) and {@link #setModified} (the remote file's
 * modification time; camel-sftp's {@code keepLastModified} is a consumer option of local files).
 *
 * <p>Not thread-safe; a step uses one from one thread and closes it.
 */
final class SftpSession implements AutoCloseable {

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration READ = Duration.ofSeconds(60);
    private static final int BUFFER = 64 * 1024;

    private final StepCall call;
    private final Endpoint endpoint;
    private final String server;
    private Producer producer;
    private ChannelSftp extra;
    private Session extraOf;

    private SftpSession(StepCall call, Endpoint endpoint, String server) {
        this.call = call;
        this.endpoint = endpoint;
        this.server = server;
    }

    /**
     * A session to the connection named {@code connection}; nothing is sent until the first call.
     *
     * @throws StepException (type {@code connection}) when there is no such sftp (or ssh) connection or it
     *     lacks a host or username
     */
    static SftpSession open(StepCall call, String connection) throws StepException {
        // an ssh host serves SFTP with the same login, so a job reaches both through one connection
        ConnectionSettings settings = ConnectionSettings.of(call, connection, "sftp", "ssh");
        String host = settings.text("host");
        String username = settings.text("username");
        if (host == null || host.isBlank() || username == null || username.isBlank()) {
            throw new StepException("connection", "connection '" + connection + "' needs a host and a username", false);
        }
        int port;
        try {
            port = settings.text("port") == null ? 22 : Integer.parseInt(settings.text("port").trim());
        } catch (NumberFormatException e) {
            throw new StepException("connection", "connection '" + connection + "': port is not a number: '"
                    + settings.text("port") + "'", false);
        }
        SftpConfiguration configuration = new SftpConfiguration();
        configuration.setProtocol("sftp");
        configuration.setHost(host);
        configuration.setPort(port);
        configuration.setUsername(username);
        configuration.setDirectory("");
        configuration.setPassword(settings.secrets().get("password"));
        String key = settings.secrets().get("privateKey");
        if (key != null && !key.isBlank()) {
            configuration.setPrivateKey(key.getBytes(StandardCharsets.UTF_8));
            configuration.setPrivateKeyPassphrase(settings.secrets().get("passphrase"));
        }
        String known = settings.text("knownHosts");
        configuration.setKnownHosts((known == null ? "" : known).getBytes(StandardCharsets.UTF_8));
        configuration.setUseUserKnownHostsFile(false);
        configuration.setAutoCreateKnownHostsFile(false);
        configuration.setStrictHostKeyChecking("yes");
        configuration.setStepwise(false); // whole paths, never cd: nothing depends on a current directory
        configuration.setBinary(true);
        configuration.setStreamDownload(true);
        Duration timeout = call.timeout();
        configuration.setConnectTimeout(millis(timeout != null && timeout.compareTo(CONNECT) < 0 ? timeout : CONNECT));
        configuration.setSoTimeout(millis(timeout != null ? timeout : READ));
        SftpComponent component = call.camel().getComponent("sftp", SftpComponent.class);
        String address = username + "@" + host + ":" + port;
        // secrets are on the configuration above, never in the URI
        Endpoint endpoint = new Endpoint("sftp://" + address, component, configuration);
        endpoint.setMaximumReconnectAttempts(0);
        endpoint.setFastExistsCheck(true);
        return new SftpSession(call, endpoint, "sftp connection '" + connection + "' (" + address + ")");
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }

    /** How errors name the server: the connection and its address. */
    String server() {
        return server;
    }

    private SftpOperations operations() {
        endpoint.operations().connect(endpoint.getConfiguration(), null);
        return endpoint.operations();
    }

    /** The entries of a directory, without {@code .} and {@code ..}. */
    List<SftpRemoteFile<?>> list(String directory) {
        List<SftpRemoteFile<?>> entries = new ArrayList<>();
        for (SftpRemoteFile<?> entry : operations().listFiles(directory)) {
            String name = entry.getFilename();
            if (!name.equals(".") && !name.equals("..")) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** A path's attributes (links followed), or null when there is nothing at that path. */
    SftpATTRS stat(String path) throws SftpException, JSchException {
        try {
            return channel().stat(path);
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** Sets a remote file's modification (and access) time, in seconds since the epoch. */
    void setModified(String path, long epochSeconds) throws SftpException, JSchException {
        channel().setMtime(path, (int) epochSeconds);
    }

    /**
     * Streams a remote file into {@code out}, buffer by buffer.
     *
     * @return the count of bytes read
     */
    long read(String path, OutputStream out) throws Exception {
        SftpOperations operations = operations();
        Exchange exchange = new DefaultExchange(call.camel());
        GenericFile<SftpRemoteFile<?>> target = new RemoteFile<>();
        // retrieveFile hands the stream over on the exchange's file, as it does for its own consumer
        exchange.setProperty(FileComponent.FILE_EXCHANGE_FILE, target);
        operations.retrieveFile(path, exchange, -1);
        try {
            InputStream in = (InputStream) target.getBody();
            byte[] buffer = new byte[BUFFER];
            long count = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                count += n;
            }
            return count;
        } finally {
            operations.releaseRetrievedFileResources(exchange);
        }
    }

    /** Removes a remote file. */
    void delete(String path) {
        operations().deleteFile(path);
    }

    /**
     * Writes {@code content} as {@code name} in {@code directory} through camel-sftp's producer:
     * to {@code name.part} first, then renamed, so a partner never picks up half a file.
     *
     * @param createDirectories whether a missing directory (and its parents) is made
     * @param overwrite whether an existing file of that name is replaced, else the write fails
     */
    void write(String directory, String name, InputStream content, boolean createDirectories, boolean overwrite)
            throws Exception {
        if (producer == null) {
            endpoint.getConfiguration().setDirectory(directory);
            endpoint.setAutoCreate(createDirectories);
            endpoint.setFileExist(overwrite ? GenericFileExist.Override : GenericFileExist.Fail);
            endpoint.setTempFileName("${file:onlyname}.part");
            producer = endpoint.createProducer();
            ServiceHelper.startService(producer);
        } else if (!directory.equals(endpoint.getConfiguration().getDirectory())) {
            throw new IllegalStateException("one session writes to one directory");
        }
        Exchange exchange = new DefaultExchange(call.camel());
        exchange.getMessage().setHeader(Exchange.FILE_NAME, name);
        exchange.getMessage().setBody(content);
        producer.process(exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }

    private ChannelSftp channel() throws JSchException {
        operations(); // connected, so the endpoint has its session
        Session session = endpoint.operations().session;
        if (extra == null || !extra.isConnected() || extraOf != session) {
            ChannelSftp channel = (ChannelSftp) session.openChannel("sftp");
            channel.connect(endpoint.getConfiguration().getConnectTimeout());
            extra = channel;
            extraOf = session;
        }
        return extra;
    }

    @Override
    public void close() {
        if (extra != null) {
            extra.disconnect();
        }
        if (producer != null) {
            ServiceHelper.stopAndShutdownService(producer); // disconnects
        }
        try {
            endpoint.operations().disconnect();
        } catch (RuntimeException e) {
            // already gone: nothing to release
        }
    }

    /** camel-sftp's endpoint whose producer and this session share one {@link Operations}. */
    private static final class Endpoint extends SftpEndpoint {

        private Operations operations;

        Endpoint(String uri, SftpComponent component, SftpConfiguration configuration) {
            super(uri, component, configuration);
        }

        Operations operations() {
            if (operations == null) {
                operations = new Operations(this);
            }
            return operations;
        }

        @Override
        public RemoteFileOperations<SftpRemoteFile> createRemoteFileOperations() {
            return operations();
        }
    }

    /** camel-sftp's operations, keeping the JSch session they open so a second channel can share it. */
    private static final class Operations extends SftpOperations {

        private volatile Session session;

        Operations(SftpEndpoint endpoint) {
            setEndpoint(endpoint);
        }

        @Override
        protected Session createSession(RemoteFileConfiguration configuration) throws JSchException {
            Session created = super.createSession(configuration);
            session = created;
            return created;
        }
    }
}
