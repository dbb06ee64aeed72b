package io.caravan.connectors.http;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.files.FileNames;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Producer;
import org.apache.camel.support.UnitOfWorkHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;

/**
 * The http step with files: a response body streamed into a file of the execution
 * ({@code saveAs}), a file streamed as the request body, raw or as a multipart/form-data part.
 * Neither passes through memory. camel-http hands the connection's own stream on with
 * {@code disableStreamCache=true}, but closes it when the exchange completes; so the exchange is
 * sent through the endpoint's producer directly, the body read into the file, and only then its
 * completions run (which close the response and give the connection back).
 */
final class HttpFiles {

    private static final int ERROR_EXCERPT_BYTES = 300;

    private HttpFiles() {
    }

    static Map<String, Object> transfer(HttpConfig config, StepCall call, URI url, String method) throws Exception {
        if (config.saveAs() != null) {
            FileNames.checked(config.saveAs(), "saveAs"); // before anything is sent
        }
        ExecutionFiles files = ExecutionFiles.of(call);
        long limit = config.maxResponseBytes() != null ? config.maxResponseBytes()
                : config.saveAs() != null ? Long.MAX_VALUE : HttpStep.maxBytes(config);
        Endpoint endpoint = call.camel().getEndpoint(HttpStep.endpoint(url, config, call.timeout(), limit, true, call.camel()));
        Producer producer = endpoint.createProducer();
        ServiceHelper.startService(producer);
        Exchange exchange = endpoint.createExchange();
        try (InputStream upload = config.file() == null ? null : files.open(config.file(), "file")) {
            HttpStep.request(exchange.getMessage(), url, method, config);
            if (upload != null) {
                exchange.getMessage().setBody(entity(config, upload));
                exchange.getMessage().removeHeader(Exchange.CONTENT_TYPE); // the entity carries its own
            }
            producer.process(exchange);
            if (exchange.getException() != null) {
                throw HttpStep.failure(exchange.getException(), method, url, config);
            }
            return response(exchange.getMessage(), config, files, method, url);
        } catch (IOException e) { // the body broke off while it was read into the file
            throw HttpStep.failure(e, method, url, config);
        } finally {
            UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());
            ServiceHelper.stopService(producer);
        }
    }

    private static Map<String, Object> response(Message message, HttpConfig config, ExecutionFiles files,
            String method, URI url) throws Exception {
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("status", status);
        output.put("headers", HttpStep.headers(message, config));
        InputStream body = message.getBody(InputStream.class);
        if (!HttpStep.expected(config, status)) {
            String excerpt = body == null ? "" : new String(body.readNBytes(ERROR_EXCERPT_BYTES), StandardCharsets.UTF_8);
            throw new StepException("http.status", "HTTP " + status + " from " + method + " " + HttpStep.redact(url)
                    + HttpStep.excerpt(excerpt.isEmpty() ? null : excerpt), status == 429 || status >= 500);
        }
        if (config.saveAs() == null) {
            output.put("body", HttpStep.body(message));
            return output;
        }
        String type = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        output.put("file", files.write(config.saveAs(), "saveAs", type == null ? FileNames.mediaType(config.saveAs())
                : type.split(";")[0].trim(), true, out -> {
                    if (body != null) {
                        body.transferTo(out);
                    }
                    return null;
                }));
        return output;
    }

    /** The request body from a file: raw, or a multipart upload with an object body's fields as text parts. */
    private static HttpEntity entity(HttpConfig config, InputStream upload) {
        Map<?, ?> file = config.file() instanceof Map<?, ?> m ? m : Map.of();
        String name = file.get("filename") instanceof String f ? f : "file";
        ContentType type = ContentType.parseLenient(file.get("mime_type") instanceof String t ? t
                : FileNames.mediaType(name));
        if (config.fileField() == null) {
            long size = file.get("size") instanceof Number n ? n.longValue() : -1; // unknown: sent chunked
            return new InputStreamEntity(upload, size, type);
        }
        MultipartEntityBuilder multipart = MultipartEntityBuilder.create().setCharset(StandardCharsets.UTF_8)
                .setContentType(ContentType.create("multipart/form-data", StandardCharsets.UTF_8))
                .addBinaryBody(config.fileField(), upload,
                type, name);
        if (config.body() instanceof Map<?, ?> fields) {
            fields.forEach((k, v) -> multipart.addTextBody(String.valueOf(k), String.valueOf(v),
                    ContentType.TEXT_PLAIN.withCharset(StandardCharsets.UTF_8)));
        }
        return multipart.build();
    }
}
