package io.caravan.connectors.sftp;

import com.jcraft.jsch.SftpATTRS;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sftp.delete}: removes one remote file ({@code path}), or the files of a remote directory
 * that {@code include} selects ({@code recursive}: in its sub-directories too). Directories
 * themselves are never removed. A directory without {@code include} is refused unless
 * {@code all: true} says that every file is meant. Output {@code {deleted: [paths], count}}.
 *
 * <p>By camel-sftp's operations: the listing picks the files (its {@code deleteFile} takes one name,
 * no wildcard), then each is deleted. Nothing there is no failure unless {@code errorOnMissing}:
 * a retry after a lost connection finds done what was done.
 */
public final class SftpDeleteStep implements StepKind<SftpDeleteConfig> {

    @Override
    public String type() {
        return "sftp.delete";
    }

    @Override
    public Class<SftpDeleteConfig> configType() {
        return SftpDeleteConfig.class;
    }

    @Override
    public String description() {
        return "Deletes a remote file, or the files of a remote directory that match a glob (optionally recursive).";
    }

    @Override
    public void check(SftpDeleteConfig config, Problems problems) {
        if ((config.path() == null) == (config.directory() == null)) {
            problems.add("", "give either path (one file) or directory with include");
        }
        RemotePaths.check(config.path(), ".path", problems);
        RemotePaths.check(config.directory(), ".directory", problems);
        if (config.path() != null && (config.include() != null || config.recursive() != null || config.all() != null)) {
            problems.add(".path", "include, recursive and all apply to a directory, not to path");
        }
        if (config.directory() != null && !Boolean.TRUE.equals(config.all())
                && (config.include() == null || config.include().isEmpty())) {
            problems.add(".include", everything());
        }
    }

    private static String everything() {
        return "give the files to delete (e.g. '*.tmp'); without include every file of the directory would go:"
                + " set all: true if that is meant";
    }

    @Override
    public Object run(SftpDeleteConfig config, StepCall call) throws Exception {
        if ((config.path() == null) == (config.directory() == null)) {
            throw new StepException("config", "give either path (one file) or directory with include", false);
        }
        boolean missingFails = Boolean.TRUE.equals(config.errorOnMissing());
        String include = config.include() == null || config.include().isEmpty() ? null : config.include();
        if (config.directory() != null && include == null && !Boolean.TRUE.equals(config.all())) {
            throw new StepException("config", "include: " + everything(), false);
        }
        String field = config.path() != null ? "path" : "directory";
        String target = RemotePaths.checked(config.path() != null ? config.path() : config.directory(), field);
        List<String> deleted = new ArrayList<>();
        try (SftpSession session = SftpSession.open(call, config.connection())) {
            String doing = "deleting in " + target;
            try {
                SftpATTRS attributes = session.stat(target);
                if (attributes == null) {
                    if (missingFails) {
                        throw new StepException("sftp.not_found", field + ": " + session.server() + " has no "
                                + (config.path() != null ? "file " : "directory ") + target, false);
                    }
                } else if (config.path() != null) {
                    if (attributes.isDir()) {
                        throw new StepException("config", "path: " + target + " is a directory; give directory and"
                                + " include to delete files in it", false);
                    }
                    doing = "deleting " + target;
                    session.delete(target);
                    deleted.add(target);
                } else {
                    if (!attributes.isDir()) {
                        throw new StepException("config", "directory: " + target + " is a file; give it as path",
                                false);
                    }
                    for (RemoteTree.Entry file : RemoteTree.walk(session, target, include,
                            Boolean.TRUE.equals(config.recursive()), true)) {
                        doing = "deleting " + file.path() + " (" + deleted.size() + " deleted before)";
                        session.delete(file.path());
                        deleted.add(file.path());
                    }
                }
            } catch (Exception e) {
                throw SftpErrors.classify(e, session.server(), doing);
            }
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("deleted", deleted);
        output.put("count", deleted.size());
        return output;
    }
}
