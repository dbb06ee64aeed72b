package io.caravan.connectors.sftp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.util.AntPathMatcher;

/**
 * The entries under a remote directory that an {@code include} selects, read with camel-sftp's
 * listing. {@code include} is a glob in the syntax of the {@code sftp} trigger's (Ant's: {@code *}
 * and {@code ?} within a name, {@code **} across directories), matched case-sensitively: without a
 * {@code /} it is matched against each entry's name, at any depth when recursive ({@code *.log});
 * with one, against the entry's path relative to the directory ({@code 2026-*}{@code /*.log}).
 * None selects every entry. A recursive walk goes into every sub-directory whether or not its
 * name matches, but not into links (a link to a directory is listed as a link, so no walk loops).
 */
final class RemoteTree {

    private RemoteTree() {
    }

    /** One entry: its full path, its path relative to the walked directory, name, size and time. */
    record Entry(String path, String relative, String name, long size, Instant modified, boolean directory) {

        /** As a step outputs it. */
        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("path", path);
            map.put("name", name);
            map.put("size", size);
            map.put("modified_at", modified.toString());
            map.put("directory", directory);
            return map;
        }
    }

    /**
     * The entries under {@code directory} that {@code include} selects, sorted by path.
     *
     * @param files whether only files are wanted (directories are still walked into)
     */
    static List<Entry> walk(SftpSession session, String directory, String include, boolean recursive, boolean files) {
        List<Entry> found = new ArrayList<>();
        walk(session, directory, "", include == null || include.isEmpty() ? null : include, recursive, files, found);
        found.sort(Comparator.comparing(Entry::relative));
        return found;
    }

    private static void walk(SftpSession session, String directory, String prefix, String include, boolean recursive,
            boolean files, List<Entry> found) {
        for (SftpRemoteFile<?> remote : session.list(directory)) {
            String name = remote.getFilename();
            Entry entry = new Entry(RemotePaths.join(directory, name), prefix + name, name, remote.getFileLength(),
                    Instant.ofEpochMilli(remote.getLastModified()), remote.isDirectory());
            if ((!files || !entry.directory()) && matches(include, entry)) {
                found.add(entry);
            }
            if (recursive && entry.directory()) {
                walk(session, entry.path(), entry.relative() + "/", include, true, files, found);
            }
        }
    }

    /** Whether {@code include} (null: everything) selects the entry. */
    static boolean matches(String include, Entry entry) {
        return matches(include, entry.relative());
    }

    /**
     * Whether {@code include} (null: everything) selects the file at {@code relative}, its path under
     * the walked directory (or under an S3 prefix: {@code sftp.sync} applies the same rules to keys).
     */
    static boolean matches(String include, String relative) {
        if (include == null) {
            return true;
        }
        return include.indexOf('/') < 0 ? AntPathMatcher.INSTANCE.match(include, RemotePaths.name(relative), true)
                : AntPathMatcher.INSTANCE.match(include, relative, true);
    }
}
