package io.caravan.connectors.ssh;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.files.FileNames;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * {@code ssh.copy}: copies one file over SFTP on an {@code ssh} connection, streaming — a file of
 * the execution to the host ({@code file}, {@code to}), or a remote file into the execution's
 * files ({@code from}, {@code saveAs}). Remote paths with {@code ..} segments are refused. Output
 * {@code {remote, size, sha256}}, plus {@code file} (the execution's file) when fetching; the
 * digest is of the bytes that passed, for a check against the other side.
 */
public final class SshCopyStep implements StepKind<SshCopyConfig> {

    private static final int BUFFER = 64 * 1024;

    @Override
    public String type() {
        return "ssh.copy";
    }

    @Override
    public Class<SshCopyConfig> configType() {
        return SshCopyConfig.class;
    }

    @Override
    public String description() {
        return "Copies a file of the execution to a host over SFTP (file, to), or a remote file into the"
                + " execution's files (from, saveAs).";
    }

    @Override
    public void check(SshCopyConfig config, Problems problems) {
        boolean send = config.file() != null;
        boolean fetch = config.from() != null;
        if (send && fetch) {
            problems.add(".from", "give either file and to (send a file) or from (fetch one), not both");
        } else if (!send && !fetch) {
            problems.add(".file", "give file and to to send a file of the execution, or from to fetch a remote file");
        }
        if (send && config.to() == null) {
            problems.add(".to", "is required with file: the remote path to write");
        }
        if (!send && config.to() != null) {
            problems.add(".to", "goes with file, the file to send");
        }
        if (!fetch && config.saveAs() != null) {
            problems.add(".saveAs", "goes with from, the remote file to fetch");
        }
        RemotePaths.check(config.to(), ".to", problems);
        RemotePaths.check(config.from(), ".from", problems);
        if (config.saveAs() != null && !Template.hasPlaceholder(config.saveAs())) {
            try {
                FileNames.checked(config.saveAs(), "saveAs");
            } catch (StepException e) {
                problems.add(".saveAs", e.getMessage().substring("saveAs: ".length()));
            }
        }
    }

    @Override
    public Object run(SshCopyConfig config, StepCall call) throws Exception {
        if (config.file() != null == (config.from() != null)) {
            throw new StepException("config", "give either file and to, or from", false);
        }
        ExecutionFiles files = ExecutionFiles.of(call);
        ConnectionSettings settings = ConnectionSettings.of(call, config.connection(), "ssh");
        return config.file() != null ? send(config, call, files, settings) : fetch(config, call, files, settings);
    }

    private static Map<String, Object> send(SshCopyConfig config, StepCall call, ExecutionFiles files,
            ConnectionSettings settings) throws Exception {
        String to = RemotePaths.checked(config.to(), "to");
        String key = files.key(config.file(), "file");
        String name = key.substring(key.lastIndexOf('/') + 1);
        // the file first: a missing one fails without logging in anywhere
        try (InputStream in = files.open(key, "file");
                SshSession ssh = SshSession.open(settings, SshSession.timeout(call));
                SftpClient sftp = ssh.sftp()) {
            String remote = target(sftp, ssh, to, name);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            OutputStream out = open(() -> sftp.write(remote), ssh, "writing " + remote);
            long size = copy(in, out, sha256, e -> read(e, key), e -> ssh.failure(e, "writing " + remote));
            return output(remote, size, sha256);
        }
    }

    private static Map<String, Object> fetch(SshCopyConfig config, StepCall call, ExecutionFiles files,
            ConnectionSettings settings) throws Exception {
        String from = RemotePaths.checked(config.from(), "from");
        String saveAs = FileNames.checked(config.saveAs() != null ? config.saveAs()
                : from.substring(from.lastIndexOf('/') + 1), config.saveAs() != null ? "saveAs" : "from");
        try (SshSession ssh = SshSession.open(settings, SshSession.timeout(call)); SftpClient sftp = ssh.sftp()) {
            SftpClient.Attributes attributes;
            try {
                attributes = sftp.stat(from);
            } catch (IOException e) {
                throw ssh.failure(e, "reading " + from);
            }
            if (attributes.isDirectory()) {
                throw new StepException("ssh.path", "from: " + from + " is a directory; name one file", false);
            }
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long[] size = new long[1];
            Map<String, Object> file = files.write(saveAs, "saveAs", out -> {
                try (InputStream in = open(() -> sftp.read(from), ssh, "reading " + from)) {
                    size[0] = copy(in, out, sha256, e -> ssh.failure(e, "reading " + from),
                            e -> new StepException("file", "saveAs: cannot spool " + saveAs + ": " + e.getMessage(),
                                    true, e));
                }
                return null;
            });
            Map<String, Object> output = output(from, size[0], sha256);
            output.put("file", file);
            return output;
        }
    }

    /**
     * Where a file named {@code name} goes for {@code to}: into it when it ends in '/' or is a
     * directory, else {@code to} itself.
     */
    private static String target(SftpClient sftp, SshSession ssh, String to, String name) throws StepException {
        if (to.endsWith("/")) {
            return to + name;
        }
        try {
            return sftp.stat(to).isDirectory() ? to + "/" + name : to;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return to; // a new file
            }
            throw ssh.failure(e, "looking at " + to);
        } catch (IOException e) {
            throw ssh.failure(e, "looking at " + to);
        }
    }

    private interface Opening<T> {
        T open() throws IOException;
    }

    private static <T> T open(Opening<T> opening, SshSession ssh, String doing) throws StepException {
        try {
            return opening.open();
        } catch (IOException e) {
            throw ssh.failure(e, doing);
        }
    }

    private interface Failure {
        StepException of(IOException e);
    }

    /**
     * Copies {@code in} to {@code out} (closing {@code out}, which for SFTP completes the write),
     * digesting the bytes; a failure is told apart by side.
     */
    private static long copy(InputStream in, OutputStream out, MessageDigest digest, Failure reading,
            Failure writing) throws StepException {
        byte[] buffer = new byte[BUFFER];
        long size = 0;
        try (out) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw reading.of(e);
                }
                if (n < 0) {
                    break;
                }
                digest.update(buffer, 0, n);
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw writing.of(e);
                }
                size += n;
            }
        } catch (IOException e) { // closing out
            throw writing.of(e);
        }
        return size;
    }

    private static StepException read(IOException e, String key) {
        return new StepException("file", "file: reading " + key + " failed: " + e.getMessage(), true, e);
    }

    private static Map<String, Object> output(String remote, long size, MessageDigest sha256) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("remote", remote);
        output.put("size", size);
        output.put("sha256", HexFormat.of().formatHex(sha256.digest()));
        return output;
    }
}
