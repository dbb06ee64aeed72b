package io.caravan.connectors.winrm;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.files.FileNames;
import io.caravan.connectors.remote.OutputCapture;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code winrm.copy}: sends a file of the execution to a path on a {@code winrm} connection's
 * Windows host. WS-Management has no file transfer, so, as WinRM tools do, the file goes in
 * base64 pieces of {@value #CHUNK} bytes, each written by one PowerShell command (the first
 * creating the file, the others appending), all in one remote shell. The file is read piece by
 * piece, never whole in memory. A last command asks the host for the file's SHA-256, which must
 * match the digest of the bytes sent. Output {@code {remote, size, sha256, chunks}}.
 */
public final class WinRmCopyStep implements StepKind<WinRmCopyConfig> {

    /**
     * Bytes per command: cmd.exe takes command lines up to 8,191 characters, and a piece becomes
     * 4/3 as many base64 characters inside a script that is then UTF-16 and base64 encoded again
     * (x 8/3); 1,500 bytes leave room for the script around them and a path of {@link #PATH_LIMIT}.
     */
    static final int CHUNK = 1500;

    /** The longest remote path, as quoted in the script, that still fits with a piece. */
    static final int PATH_LIMIT = 520;

    @Override
    public String type() {
        return "winrm.copy";
    }

    @Override
    public Class<WinRmCopyConfig> configType() {
        return WinRmCopyConfig.class;
    }

    @Override
    public String description() {
        return "Sends a file of the execution to a path on a Windows host over WinRM, in base64 pieces through"
                + " PowerShell; output {remote, size, sha256}.";
    }

    @Override
    public void check(WinRmCopyConfig config, Problems problems) {
        WindowsPaths.check(config.to(), ".to", problems);
    }

    @Override
    public Object run(WinRmCopyConfig config, StepCall call) throws Exception {
        ExecutionFiles files = ExecutionFiles.of(call);
        String key = files.key(config.file(), "file");
        String remote = WindowsPaths.checked(config.to(), "to");
        if (remote.endsWith("\\") || remote.endsWith("/")) {
            remote += FileNames.checked(key.substring(key.lastIndexOf('/') + 1), "file");
        }
        String path = WinRmScript.quote(remote);
        if (path.length() > PATH_LIMIT) {
            throw new StepException("winrm.path", "to: '" + remote + "' is longer than a command line leaves room for ("
                    + PATH_LIMIT + " characters)", false);
        }
        ConnectionSettings settings = ConnectionSettings.of(call, config.connection(), "winrm");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long size = 0;
        int chunks = 0;
        try (InputStream in = files.open(config.file(), "file");
                WinRmSession winrm = WinRmSession.open(settings, WinRmSession.timeout(call), null)) {
            byte[] piece = in.readNBytes(CHUNK);
            do { // an empty file is one empty piece, which creates it
                sha256.update(piece);
                size += piece.length;
                String mode = chunks++ == 0 ? "Create" : "Append";
                run(winrm, "$p = " + path + "\r\n$b = [Convert]::FromBase64String('"
                        + Base64.getEncoder().encodeToString(piece) + "')\r\n$f = [IO.File]::Open($p, [IO.FileMode]::"
                        + mode + ", [IO.FileAccess]::Write)\r\ntry { $f.Write($b, 0, $b.Length) } finally { $f.Close() }",
                        remote);
                piece = in.readNBytes(CHUNK);
            } while (piece.length > 0);
            String digest = HexFormat.of().formatHex(sha256.digest());
            String there = run(winrm, "(Get-FileHash -LiteralPath " + path + " -Algorithm SHA256).Hash", remote).strip();
            if (!there.equalsIgnoreCase(digest)) {
                throw new StepException("winrm.copy", "to: the SHA-256 of " + remote + " on the host is '" + there
                        + "', not the " + digest + " of the " + size + " bytes sent", true);
            }
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("remote", remote);
            output.put("size", size);
            output.put("sha256", digest);
            output.put("chunks", chunks);
            return output;
        }
    }

    /** Runs one PowerShell script and gives its stdout; a non-zero exit fails {@code winrm.copy} with stderr. */
    private static String run(WinRmSession winrm, String script, String remote) throws Exception {
        OutputCapture out = new OutputCapture();
        OutputCapture err = new OutputCapture();
        try {
            int exit;
            try (Writer stdout = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    Writer stderr = new OutputStreamWriter(err, StandardCharsets.UTF_8)) {
                exit = winrm.run(WinRmScript.powershell(script), stdout, stderr);
            }
            if (exit != 0) {
                throw new StepException("winrm.copy", "to: writing " + remote + " failed (exit code " + exit + "): "
                        + err.tail(1000).strip(), false);
            }
            return out.text();
        } finally {
            out.discard();
            err.discard();
        }
    }
}
