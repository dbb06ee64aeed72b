package io.caravan.runtime.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import io.caravan.runtime.connections.ConnectionStore;
import io.caravan.runtime.execution.ExecutionEnded;
import io.caravan.runtime.store.ExecutionRow;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a dropped file once its execution has ended: after success it is moved to
 * {@code moveTo} (default {@code .done}, beside it), deleted or kept, as its trigger's
 * {@code after} says; after a failure it is moved to {@code .error}. Done with JSch — the SFTP
 * library camel-sftp runs on — because camel-sftp acts on a file only when its own exchange
 * ends, which here is the intake, long before the execution does. Host keys are checked as for
 * the intake. Each file is disposed of once, recorded in {@link FileDropRepository}; an attempt
 * that fails, or that a dying node never made, is made again by any node with backoff.
 */
public final class FileDisposal implements ExecutionEnded {

    private static final Logger LOG = LoggerFactory.getLogger(FileDisposal.class);
    private static final Set<String> SUCCEEDED = Set.of("SUCCESS", "PARTIAL_SUCCESS");

    private final ConnectionStore connections;
    private final FileDropRepository drops;
    private final ObjectMapper json;

    public FileDisposal(ConnectionStore connections, FileDropRepository drops, ObjectMapper json) {
        this.connections = connections;
        this.drops = drops;
        this.json = json;
    }

    /** At once on the node where the execution ended; a failure is retried by {@link #sweep()}. */
    @Override
    public void ended(ExecutionRow row, String status, java.util.Map<String, Object> context) {
        JsonNode file = file(row.trigger());
        if (file != null && drops.claim(file.path("key").asText())) {
            dispose(file, status, row.id().toString());
        }
    }

    /**
     * What any node does now and then: takes again the files of nodes that died while taking them,
     * and disposes of the files whose execution ended without it (its node died first, the SFTP
     * server was down, the execution was cancelled while queued).
     */
    public void sweep() {
        int released = drops.releaseOrphans();
        if (released > 0) {
            LOG.warn("{} dropped file(s) taken by a node that died before enqueuing them will be taken again", released);
        }
        for (FileDropRepository.Pending pending : drops.claimDue(20)) {
            JsonNode file = file(pending.trigger());
            if (file != null) {
                dispose(file, pending.status(), pending.execution());
            }
        }
    }

    private JsonNode file(String trigger) {
        try {
            JsonNode file = json.readTree(trigger).path("file");
            return file.has("key") && file.has("connection") && file.has("name") ? file : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void dispose(JsonNode file, String status, String execution) {
        String key = file.path("key").asText();
        boolean succeeded = SUCCEEDED.contains(status);
        String after = succeeded ? file.path("after").asText("move") : "move";
        String directory = file.path("directory").asText();
        String path = directory + "/" + file.path("name").asText();
        String target = succeeded ? file.path("move_to").asText(".done") : ".error";
        if (after.equals("keep")) {
            drops.disposed(key);
            return;
        }
        try {
            apply(file.path("connection").asText(), path, after, target.startsWith("/") ? target : directory + "/" + target);
            drops.disposed(key);
            LOG.info("file {} of execution {} {}", path, execution, after.equals("delete") ? "deleted" : "moved to " + target);
        } catch (SftpException | JSchException | RuntimeException e) {
            failed(key, path, execution, e);
        }
    }

    private void failed(String key, String path, String execution, Exception e) {
        LOG.warn("file {} of execution {} left in place for now: {}", path, execution, e.getMessage());
        drops.failed(key, e.getMessage());
    }

    private void apply(String connection, String path, String after, String targetDir) throws JSchException, SftpException {
        ConnectionStore.Connection c = connections.open(connection)
                .orElseThrow(() -> new JSchException("no connection '" + connection + "'"));
        Session session = io.caravan.runtime.connections.SshSessions.open(c);
        try {
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(10_000);
            try {
                if (!exists(sftp, path)) {
                    return; // moved or deleted by an earlier attempt whose end was not recorded
                }
                if (after.equals("delete")) {
                    sftp.rm(path);
                    return;
                }
                makeDirectory(sftp, targetDir);
                sftp.rename(path, targetDir + "/" + path.substring(path.lastIndexOf('/') + 1));
            } finally {
                sftp.disconnect();
            }
        } finally {
            session.disconnect();
        }
    }

    /** Makes the directory unless it is there; one made meanwhile by another disposal is as good. */
    private static void makeDirectory(ChannelSftp sftp, String dir) throws SftpException {
        try {
            sftp.stat(dir);
        } catch (SftpException missing) {
            try {
                sftp.mkdir(dir);
            } catch (SftpException failed) {
                // the files of one drop end at once: two disposals race to make the same directory
                if (!sftp.stat(dir).isDir()) {
                    throw failed;
                }
            }
        }
    }

    private static boolean exists(ChannelSftp sftp, String path) throws SftpException {
        try {
            sftp.lstat(path);
            return true;
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }
}
