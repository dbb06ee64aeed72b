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
 * {@code sftp.list}: the entries of a remote directory that {@code include} selects (with
 * {@code recursive}, of its sub-directories too), sorted by path. Output {@code {entries: [{path,
 * name, size, modified_at, directory}], count}}. Read with camel-sftp's listing, which carries each
 * entry's size and time, so one request per directory is all it costs.
 */
public final class SftpListStep implements StepKind<SftpListConfig> {

    @Override
    public String type() {
        return "sftp.list";
    }

    @Override
    public Class<SftpListConfig> configType() {
        return SftpListConfig.class;
    }

    @Override
    public String description() {
        return "Lists a remote directory (optionally recursive, filtered by a glob): path, name, size, modified_at and"
                + " whether each entry is a directory.";
    }

    @Override
    public void check(SftpListConfig config, Problems problems) {
        RemotePaths.check(config.directory(), ".directory", problems);
    }

    @Override
    public Object run(SftpListConfig config, StepCall call) throws Exception {
        String directory = RemotePaths.checked(config.directory(), "directory");
        List<Map<String, Object>> entries = new ArrayList<>();
        try (SftpSession session = SftpSession.open(call, config.connection())) {
            try {
                SftpATTRS attributes = session.stat(directory);
                if (attributes == null || !attributes.isDir()) {
                    throw new StepException("sftp.not_found", "directory: " + session.server() + " has no directory "
                            + directory + (attributes == null ? "" : " (it is a file)"), false);
                }
                for (RemoteTree.Entry entry : RemoteTree.walk(session, directory, config.include(),
                        Boolean.TRUE.equals(config.recursive()), false)) {
                    entries.add(entry.toMap());
                }
            } catch (Exception e) {
                throw SftpErrors.classify(e, session.server(), "listing " + directory);
            }
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("entries", entries);
        output.put("count", entries.size());
        return output;
    }
}
