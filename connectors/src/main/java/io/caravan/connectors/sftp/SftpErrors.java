package io.caravan.connectors.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchAlgoNegoFailException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.SftpException;
import io.caravan.job.step.StepException;
import java.io.IOException;

/**
 * What an SFTP failure means for the step, with a stable type (STYLE: failures as data):
 * <ul>
 * <li>{@code sftp.host_key} — the server's host key is unknown or changed (strict known_hosts);
 * not retryable: someone must check the key and put it in the connection's {@code knownHosts}.</li>
 * <li>{@code sftp.auth} — the login was refused (wrong password, key not accepted, unreadable key);
 * not retryable: trying again only counts towards a lock-out.</li>
 * <li>{@code sftp.connection} — the server could not be reached, or the session broke during the
 * work (refused, reset, timed out, closed); retryable.</li>
 * <li>{@code sftp.not_found}, {@code sftp.permission}, {@code sftp.exists} — the server's answer
 * about a path; not retryable.</li>
 * <li>{@code sftp.failure} — any other answer of the server; not retryable.</li>
 * </ul>
 * camel-sftp wraps JSch's exceptions (in a {@code GenericFileOperationFailedException}, sometimes
 * twice), so the cause chain is searched for the one that says what happened.
 */
final class SftpErrors {

    private SftpErrors() {
    }

    /**
     * The step failure for {@code failure}, raised while doing {@code what} (e.g. "listing /inbox")
     * on the server {@code server} (the connection's name and address).
     */
    static StepException classify(Throwable failure, String server, String what) {
        if (failure instanceof StepException classified) {
            return classified;
        }
        String prefix = server + ": " + what + ": ";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JSchHostKeyException || hostKeyMessage(t.getMessage())) {
                return new StepException("sftp.host_key", prefix + "the server's host key is not trusted ("
                        + t.getMessage() + "); put the server's known_hosts line in the connection's knownHosts"
                        + " once you have checked it", false, failure);
            }
            if (t instanceof JSchException && authMessage(t.getMessage())) { // JSch's own auth exceptions are not public
                return new StepException("sftp.auth", prefix + "the server refused the login (" + t.getMessage()
                        + "): check the connection's username and its password or privateKey", false, failure);
            }
            if (t instanceof JSchException && keyMessage(t.getMessage())) {
                return new StepException("sftp.auth", prefix + "the connection's privateKey cannot be used ("
                        + t.getMessage() + "): check its format and the passphrase secret", false, failure);
            }
            if (t instanceof JSchAlgoNegoFailException) {
                return new StepException("sftp.connection", prefix + "client and server share no algorithm ("
                        + t.getMessage() + ")", false, failure);
            }
            if (t instanceof SftpException sftp) {
                return status(sftp, prefix, failure);
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IOException || root instanceof JSchException) {
            return new StepException("sftp.connection", prefix + "the server could not be reached or the session broke ("
                    + describe(root) + ")", true, failure);
        }
        String message = describe(failure);
        if (message.startsWith("File already exist")) {
            return new StepException("sftp.exists", prefix + message, false, failure);
        }
        return new StepException("sftp.failure", prefix + message, false, failure);
    }

    private static StepException status(SftpException e, String prefix, Throwable failure) {
        String said = describe(e);
        return switch (e.id) {
            case ChannelSftp.SSH_FX_NO_SUCH_FILE -> new StepException("sftp.not_found", prefix + "no such file or"
                    + " directory", false, failure);
            case ChannelSftp.SSH_FX_PERMISSION_DENIED -> new StepException("sftp.permission", prefix
                    + "permission denied", false, failure);
            case ChannelSftp.SSH_FX_NO_CONNECTION, ChannelSftp.SSH_FX_CONNECTION_LOST -> new StepException(
                    "sftp.connection", prefix + "the session broke (" + said + ")", true, failure);
            // JSch reports a broken stream as a failure whose cause is the IOException
            default -> e.getCause() instanceof IOException io
                    ? new StepException("sftp.connection", prefix + "the session broke (" + describe(io) + ")", true,
                            failure)
                    : new StepException("sftp.failure", prefix + "the server answered: " + said, false, failure);
        };
    }

    private static boolean hostKeyMessage(String message) {
        return message != null && (message.startsWith("UnknownHostKey") || message.startsWith("reject HostKey")
                || message.contains("HostKey has been changed"));
    }

    private static boolean authMessage(String message) {
        return message != null && (message.startsWith("Auth fail") || message.startsWith("Auth cancel")
                || message.startsWith("Partial auth") || message.startsWith("USERAUTH fail"));
    }

    private static boolean keyMessage(String message) {
        return message != null && (message.startsWith("invalid privatekey") || message.contains("passphrase"));
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
