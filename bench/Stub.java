import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** W2's stub when Node is not set up: 127.0.0.1:9100 answers the same JSON as bench/peers/stub.js. */
public class Stub {
    public static void main(String[] args) throws Exception {
        byte[] body = "{\"id\":42,\"name\":\"stub\",\"value\":\"hello-from-stub\",\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 9100), 128);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.createContext("/", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }
}
