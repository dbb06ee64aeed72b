package io.caravan.connectors.sftp;

import com.jcraft.jsch.SftpATTRS;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.files.FileNames;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sftp.download}: copies a remote file, or the files of a remote directory that
 * {@code include} selects ({@code recursive}: of its sub-directories too), into the execution's
 * files. Output {@code {files, count}}, plus {@code file} when exactly one was taken; each file's
 * map carries {@code modified_at} (the remote file's modification time) and {@code remote_path}.
 *
 * <p>Each file streams from the server into the execution's files (one
 * {@link ExecutionFiles#write} per file: through a local spool file, never whole in memory). A file
 * of a sub-directory is named by its path under {@code from} with {@code /} written as {@code _}
 * ({@code 2026-11-21/run.log} becomes {@code 2026-11-21_run.log}), so nothing is lost when two
 * directories hold files of the same name; names are checked ({@link FileNames}) and two remote
 * files that would get one name fail the step before anything is copied. What is listed is decided
 * before the first copy; a file that grows meanwhile is copied as it is when read.
 */
public final class SftpDownloadStep implements StepKind<SftpDownloadConfig> {

    @Override
    public String type() {
        return "sftp.download";
    }

    @Override
    public Class<SftpDownloadConfig> configType() {
        return SftpDownloadConfig.class;
    }

    @Override
    public String description() {
        return "Downloads a remote file, or the files of a remote directory that match a glob (optionally recursive),"
                + " into the execution's files, streaming.";
    }

    @Override
    public void check(SftpDownloadConfig config, Problems problems) {
        RemotePaths.check(config.from(), ".from", problems);
    }

    @Override
    public Object run(SftpDownloadConfig config, StepCall call) throws Exception {
        String from = RemotePaths.checked(config.from(), "from");
        boolean recursive = Boolean.TRUE.equals(config.recursive());
        ExecutionFiles files = ExecutionFiles.of(call);
        List<Map<String, Object>> taken = new ArrayList<>();
        try (SftpSession session = SftpSession.open(call, config.connection())) {
            Map<String, RemoteTree.Entry> wanted = named(select(session, from, config, recursive));
            for (Map.Entry<String, RemoteTree.Entry> each : wanted.entrySet()) {
                RemoteTree.Entry remote = each.getValue();
                Map<String, Object> file = files.write(each.getKey(), "from", out -> {
                    try {
                        session.read(remote.path(), out);
                    } catch (Exception e) {
                        throw SftpErrors.classify(e, session.server(), "downloading " + remote.path());
                    }
                    return null;
                });
                // the map write returns is the one listed in context.files: both show where it came from
                file.put("modified_at", remote.modified().toString());
                file.put("remote_path", remote.path());
                taken.add(file);
            }
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("files", taken);
        output.put("count", taken.size());
        if (taken.size() == 1) {
            output.put("file", taken.get(0));
        }
        return output;
    }

    /** The remote files to take: {@code from} itself when it is a file, else what include selects under it. */
    private static List<RemoteTree.Entry> select(SftpSession session, String from, SftpDownloadConfig config,
            boolean recursive) throws StepException {
        try {
            SftpATTRS attributes = session.stat(from);
            if (attributes == null) {
                throw new StepException("sftp.not_found", "from: " + session.server() + " has no file or directory "
                        + from, false);
            }
            if (attributes.isDir()) {
                return RemoteTree.walk(session, from, config.include(), recursive, true);
            }
            if (RemotePaths.namesDirectory(config.from())) {
                throw new StepException("sftp.not_found", "from: " + from + " on " + session.server()
                        + " is a file, not a directory", false);
            }
            String name = RemotePaths.name(from);
            RemoteTree.Entry file = new RemoteTree.Entry(from, name, name, attributes.getSize(),
                    Instant.ofEpochSecond(Integer.toUnsignedLong(attributes.getMTime())), false);
            return RemoteTree.matches(config.include(), file) ? List.of(file) : List.of();
        } catch (Exception e) {
            throw SftpErrors.classify(e, session.server(), "listing " + from);
        }
    }

    /** The files by their names among the execution's files, checked and unique. */
    private static Map<String, RemoteTree.Entry> named(List<RemoteTree.Entry> entries) throws StepException {
        Map<String, RemoteTree.Entry> named = new LinkedHashMap<>();
        for (RemoteTree.Entry entry : entries) {
            String name = FileNames.checked(entry.relative().replace('/', '_'), "from (remote file " + entry.path()
                    + ")");
            RemoteTree.Entry earlier = named.putIfAbsent(name, entry);
            if (earlier != null) {
                throw new StepException("sftp.name", "from: remote files " + earlier.path() + " and " + entry.path()
                        + " would both become the execution's file '" + name + "'; narrow include", false);
            }
        }
        return named;
    }
}
