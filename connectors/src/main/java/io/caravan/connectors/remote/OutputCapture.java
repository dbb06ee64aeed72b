package io.caravan.connectors.remote;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One stream of a command, stdout or stderr, as {@code ssh.exec} and {@code winrm.exec} keep it: the first
 * {@link #LIMIT} bytes in memory for the step's output and, once the stream outgrows them, all of
 * it in a local spool file that becomes a file of the execution. The SSH client writes here from
 * its I/O thread as data arrives, so nothing here waits on anything but the local disk. The SSH
 * client closes the stream when the channel ends; {@link #discard} removes the spool file.
 */
public final class OutputCapture extends OutputStream {

    /** Bytes of each stream kept in the output. */
    public static final int LIMIT = 64 * 1024;

    private static final int BUFFER = 64 * 1024;

    private final byte[] head = new byte[LIMIT];
    private int headLength;
    private long size;
    private Path spool;
    private OutputStream spooled;
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (spooled == null && size + len > LIMIT) {
            spool = Files.createTempFile("caravan-ssh-", ".txt");
            spooled = new BufferedOutputStream(Files.newOutputStream(spool), BUFFER);
            spooled.write(head, 0, headLength);
        }
        int kept = Math.min(len, LIMIT - headLength);
        System.arraycopy(b, off, head, headLength, kept);
        headLength += kept;
        if (spooled != null) {
            spooled.write(b, off, len);
        }
        size += len;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            if (spooled != null) {
                spooled.close();
            }
        }
    }

    /** How many bytes the command wrote. */
    public synchronized long size() {
        return size;
    }

    /** Whether the stream outgrew {@link #LIMIT}, so {@link #text} is its beginning only. */
    public synchronized boolean truncated() {
        return size > LIMIT;
    }

    /** The whole stream, once closed, when {@link #truncated}; else null. */
    public synchronized Path spool() throws IOException {
        close();
        return spool;
    }

    /** The text kept (UTF-8): all of it, or its first {@link #LIMIT} bytes cut at a character's start. */
    public synchronized String text() {
        int end = headLength;
        if (truncated() && end > 0) { // drop a character the limit cut in two
            int start = end - 1;
            while (start > 0 && (head[start] & 0xC0) == 0x80) {
                start--;
            }
            int lead = head[start] & 0xFF;
            int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (start + length > end) {
                end = start;
            }
        }
        return decode(ByteBuffer.wrap(head, 0, end));
    }

    /** The last {@code max} bytes of the stream as text, for an error message. */
    public synchronized String tail(int max) throws IOException {
        if (!truncated()) {
            int from = Math.max(0, headLength - max);
            return decode(ByteBuffer.wrap(head, from, headLength - from));
        }
        close();
        try (FileChannel file = FileChannel.open(spool)) {
            ByteBuffer last = ByteBuffer.allocate((int) Math.min(max, size));
            long from = size - last.capacity();
            while (last.hasRemaining() && file.read(last, from + last.position()) >= 0) {
                // a positional read may return fewer bytes than asked
            }
            last.flip();
            return decode(last);
        }
    }

    /** Removes the spool file, if any. */
    public synchronized void discard() throws IOException {
        close();
        if (spool != null) {
            Files.deleteIfExists(spool);
        }
    }

    private static String decode(ByteBuffer bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(bytes).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }

    /** Puts this stream into a step's output: its text, whether it was cut, and the file holding all of it when it was. */
    public void into(java.util.Map<String, Object> output, String name, io.caravan.job.step.StepCall call)
            throws Exception {
        output.put(name, text());
        output.put(name + "_truncated", truncated());
        if (truncated()) {
            output.put(name + "_file", io.caravan.connectors.files.ExecutionFiles.of(call).store(call.stepId() + "."
                    + name + ".txt", name, "text/plain", true, spool(), null));
        }
    }

    /** The end of what a command said, for its failure: stderr first, since why it failed is usually there. */
    public static String said(java.util.Map<String, Object> output, OutputCapture out, OutputCapture err, int most)
            throws IOException {
        OutputCapture stream = err.size() > 0 ? err : out;
        if (stream.size() == 0) {
            return "; it wrote nothing";
        }
        String name = stream == err ? "stderr" : "stdout";
        String tail = stream.tail(most).strip();
        String whole = stream.truncated() ? " (all of it in file " + ((java.util.Map<?, ?>) output.get(name + "_file"))
                .get("filename") + ")" : "";
        return "; " + name + (stream.size() > most ? " ends with" : "") + ": " + tail + whole;
    }
}
