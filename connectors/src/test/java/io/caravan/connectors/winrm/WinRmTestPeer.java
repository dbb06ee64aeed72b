package io.caravan.connectors.winrm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caravan.connectors.connections.ConnectionSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A WS-Management peer on 127.0.0.1 for the winrm tests: a JDK HttpServer answering the SOAP
 * exchanges of a remote shell at {@code /wsman} the way MS-WSMV describes them (Create, Command,
 * Receive, Signal, Delete), with Basic authentication. It runs nothing: each command it receives
 * is recorded and answered by the test's {@link #answer} function (stdout, stderr, exit code, or
 * no answer until the client's operation timeout). Output is handed out over several Receive
 * answers, 16 KiB of each stream at a time, as a host does for a command that writes a lot.
 */
final class WinRmTestPeer implements AutoCloseable {

    static final String USER = "caravan";
    static final String PASSWORD = "s3cret'pw";

    private static final String S = "http://www.w3.org/2003/05/soap-envelope";
    private static final String A = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    private static final String RSP = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
    private static final String TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
    private static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
    private static final int PIECE = 16 * 1024;

    /** A command as the peer received it, with the shell it ran in. */
    record Received(String command, List<String> args, Map<String, String> shellOptions, String workingDirectory) {

        /** The PowerShell text of a {@code powershell -EncodedCommand} command, decoded. */
        String script() {
            String flag = "-EncodedCommand ";
            return new String(Base64.getDecoder().decode(command.substring(command.indexOf(flag) + flag.length())),
                    StandardCharsets.UTF_16LE);
        }
    }

    /**
     * How the peer answers a command: its output and exit code, or never (operation timeouts);
     * {@code pause} is how long each Receive answer with output takes, for a command that writes slowly.
     */
    record Reply(String stdout, String stderr, int exitCode, boolean never, long pause) {
        static Reply of(String stdout, String stderr, int exitCode) {
            return new Reply(stdout, stderr, exitCode, false, 0);
        }
    }

    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<String> actions = new CopyOnWriteArrayList<>();
    volatile Function<Received, Reply> answer = r -> Reply.of("", "", 0);
    private volatile String workingDirectory;
    private volatile byte[] stdout = new byte[0];
    private volatile byte[] stderr = new byte[0];
    private volatile int sentOut;
    private volatile int sentErr;
    private volatile Reply reply;

    private WinRmTestPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/wsman", this::handle);
        server.start();
    }

    static WinRmTestPeer start() throws IOException {
        return new WinRmTestPeer();
    }

    /** A winrm connection to this peer with the given password. */
    ConnectionSettings connection(String name, String password) {
        return new ConnectionSettings(name, "winrm", Map.of("host", "127.0.0.1", "username", USER, "port",
                server.getAddress().getPort()), Map.of("password", password));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            byte[] body = http.getRequestBody().readAllBytes();
            if (!expected.equals(http.getRequestHeaders().getFirst("Authorization"))) {
                http.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"WSMAN\"");
                http.sendResponseHeaders(401, -1);
                return;
            }
            Document request = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(body));
            String action = text(request, A, "Action");
            actions.add(action.substring(action.lastIndexOf('/') + 1));
            String[] answer = answer(action, request);
            String envelope = "<s:Envelope xmlns:s=\"" + S + "\" xmlns:a=\"" + A + "\" xmlns:rsp=\"" + RSP
                    + "\" xmlns:x=\"" + TRANSFER + "\" xmlns:w=\"" + WSMAN + "\"><s:Header><a:Action>" + answer[0]
                    + "</a:Action><a:MessageID>uuid:" + UUID.randomUUID() + "</a:MessageID><a:RelatesTo>"
                    + text(request, A, "MessageID") + "</a:RelatesTo></s:Header><s:Body>" + answer[1]
                    + "</s:Body></s:Envelope>";
            byte[] bytes = envelope.getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().add("Content-Type", "application/soap+xml;charset=UTF-8");
            http.sendResponseHeaders(answer[0].endsWith("fault") ? 500 : 200, bytes.length);
            http.getResponseBody().write(bytes);
        } catch (Exception e) {
            http.sendResponseHeaders(400, -1);
        }
    }

    /** The answer's action and body for a request. */
    private String[] answer(String action, Document request) throws InterruptedException {
        switch (action.substring(action.lastIndexOf('/') + 1)) {
            case "Create":
                workingDirectory = text(request, RSP, "WorkingDirectory");
                return new String[] {TRANSFER + "/CreateResponse", "<x:ResourceCreated><a:Address>http://127.0.0.1/wsman"
                        + "</a:Address><a:ReferenceParameters><w:ResourceURI>" + RSP + "/cmd</w:ResourceURI>"
                        + "<w:SelectorSet><w:Selector Name=\"ShellId\">" + UUID.randomUUID()
                        + "</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>"};
            case "Command":
                command(request);
                return new String[] {RSP + "/CommandResponse", "<rsp:CommandResponse><rsp:CommandId>C1"
                        + "</rsp:CommandId></rsp:CommandResponse>"};
            case "Receive":
                return receive();
            case "Signal":
                return new String[] {RSP + "/SignalResponse", "<rsp:SignalResponse/>"};
            case "Delete":
                return new String[] {TRANSFER + "/DeleteResponse", ""};
            default:
                throw new IllegalArgumentException(action);
        }
    }

    private void command(Document request) {
        List<String> args = new ArrayList<>();
        NodeList nodes = request.getElementsByTagNameNS(RSP, "Arguments");
        for (int i = 0; i < nodes.getLength(); i++) {
            args.add(nodes.item(i).getTextContent());
        }
        Map<String, String> options = new java.util.LinkedHashMap<>();
        NodeList set = request.getElementsByTagNameNS(WSMAN, "Option");
        for (int i = 0; i < set.getLength(); i++) {
            Element option = (Element) set.item(i);
            options.put(option.getAttribute("Name"), option.getTextContent());
        }
        Received command = new Received(text(request, RSP, "Command"), args, options, workingDirectory);
        received.add(command);
        reply = answer.apply(command);
        stdout = reply.stdout().getBytes(StandardCharsets.UTF_8);
        stderr = reply.stderr().getBytes(StandardCharsets.UTF_8);
        sentOut = 0;
        sentErr = 0;
    }

    private String[] receive() throws InterruptedException {
        if (reply.never()) {
            Thread.sleep(100); // a host waits up to the OperationTimeout, then says it timed out
            return new String[] {WSMAN + "/fault", "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode>"
                    + "<s:Value>w:TimedOut</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">The"
                    + " WS-Management service cannot complete the operation within the time specified in"
                    + " OperationTimeout.</s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f=\"http://schemas"
                    + ".microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150858793\" Machine=\"peer\"><f:Message>"
                    + "timed out</f:Message></f:WSManFault></s:Detail></s:Fault>"};
        }
        Thread.sleep(reply.pause());
        StringBuilder body = new StringBuilder("<rsp:ReceiveResponse>");
        int out = Math.min(PIECE, stdout.length - sentOut);
        int err = Math.min(PIECE, stderr.length - sentErr);
        boolean done = sentOut + out == stdout.length && sentErr + err == stderr.length;
        body.append(stream("stdout", Arrays.copyOfRange(stdout, sentOut, sentOut + out), done));
        body.append(stream("stderr", Arrays.copyOfRange(stderr, sentErr, sentErr + err), done));
        sentOut += out;
        sentErr += err;
        body.append("<rsp:CommandState CommandId=\"C1\" State=\"" + RSP + "/CommandState/"
                + (done ? "Done\"><rsp:ExitCode>" + reply.exitCode() + "</rsp:ExitCode>" : "Running\">")
                + "</rsp:CommandState></rsp:ReceiveResponse>");
        return new String[] {RSP + "/ReceiveResponse", body.toString()};
    }

    private static String stream(String name, byte[] bytes, boolean end) {
        return "<rsp:Stream Name=\"" + name + "\" CommandId=\"C1\"" + (end ? " End=\"true\"" : "") + ">"
                + Base64.getEncoder().encodeToString(bytes) + "</rsp:Stream>";
    }

    private static String text(Document document, String namespace, String name) {
        NodeList nodes = document.getElementsByTagNameNS(namespace, name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }
}
