package dev.kimen.broker;

import dev.kimen.projection.run.Masker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequestFactory;
import org.apache.hc.core5.http.MethodNotSupportedException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.DefaultBHttpServerConnection;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestParserFactory;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.net.URIAuthority;

/**
 * A run's credential broker: an HTTP proxy on loopback, alive as long as the run, through which
 * the command reaches the network ({@code HTTPS_PROXY} and friends). The command holds a
 * placeholder for each brokered value; in requests to that value's hosts (over TLS the proxy
 * ends with a certificate from the run's own CA, {@link RunCa}) the proxy puts the real value in
 * place of the placeholder in the headers, and in what those hosts answer it puts the placeholder
 * back in place of the value, so the command never holds the value. A placeholder on its way to
 * any other host is refused (403), reported and logged. Other hosts are tunnelled untouched
 * ({@link Egress#OPEN}) or refused ({@link Egress#BROKERED}). Only a client with the run's proxy
 * credentials (in the command's proxy variables) is served, so no other local process can spend
 * the values through it.
 *
 * <p>HTTP parsing and message framing (chunked, Content-Length, header limits) are httpcore5's;
 * TLS is the JDK's, upstream verified against the trust the caller gives (the system's, plus a
 * CA the user names). What is written here is the proxy's decisions.
 */
public final class BrokerProxy implements AutoCloseable {
    /** One brokered binding of the run: secret {@code secret} in variable {@code variable}. */
    public record Brokered(String secret, String variable, String value, String placeholder, BrokerHosts hosts) {
        /** Whether the placeholder is as many bytes as the value: then swapping keeps a body's length. */
        boolean sameLength() {
            return placeholder.getBytes(StandardCharsets.UTF_8).length == value.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public String toString() {
            return "Brokered[" + variable + " from " + secret + " for " + hosts.describe() + "]"; // never the value
        }
    }

    /** Where the command may go besides the brokered hosts. */
    public enum Egress {
        /** anywhere: other hosts are tunnelled untouched */
        OPEN,
        /** only the brokered hosts */
        BROKERED
    }

    /** What the proxy tells the run: each brokered request's decision, and warnings for stderr. */
    public interface Events {
        void request(String secret, String host, String method, String path, String decision);

        void warn(String message);
    }

    private static final int CONNECT_MILLIS = 10_000;
    private static final int IDLE_MILLIS = 300_000;
    private static final Http1Config HTTP1 = Http1Config.custom().setMaxHeaderCount(200).setMaxLineLength(64 * 1024).build();
    /** The request target of CONNECT is an authority (host:port), which httpcore5's default factory drops. */
    private static final HttpRequestFactory<ClassicHttpRequest> REQUESTS = new HttpRequestFactory<>() {
        @Override
        public ClassicHttpRequest newHttpRequest(String method, String uri) throws MethodNotSupportedException {
            if (!"CONNECT".equalsIgnoreCase(method)) {
                return new BasicClassicHttpRequest(method, uri);
            }
            try {
                var request = new BasicClassicHttpRequest(method, "/");
                request.setAuthority(URIAuthority.create(uri));
                return request;
            } catch (URISyntaxException e) {
                throw new MethodNotSupportedException("CONNECT to '" + uri + "', not host:port");
            }
        }

        @Override
        public ClassicHttpRequest newHttpRequest(String method, URI uri) {
            return new BasicClassicHttpRequest(method, uri);
        }
    };

    private final List<Brokered> bindings;
    private final Egress egress;
    private final RunCa ca;
    /** TLS to the brokered hosts: built on a thread of its own while the command starts (~0.5 s of certificate parsing). */
    private final java.util.concurrent.FutureTask<SSLContext> upstreamTls;
    private final Events events;
    private final ServerSocket server;
    private final byte[] credentials;
    private final String password;
    private final Masker redact;
    /** Whether every placeholder is as long as its value: then an answer's Content-Length stays right. */
    private final boolean sameLengths;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private BrokerProxy(List<Brokered> bindings, Egress egress, java.util.concurrent.Callable<SSLContext> upstreamTls,
                        Events events, SecureRandom random) throws IOException {
        this.bindings = List.copyOf(bindings);
        this.egress = egress;
        this.upstreamTls = new java.util.concurrent.FutureTask<>(upstreamTls);
        this.events = events;
        this.ca = RunCa.forHosts(bindings.stream().flatMap(b -> b.hosts().endpoints().stream())
                .map(BrokerHosts.Endpoint::host).toList(), random);
        this.password = Placeholder.letters(32, random);
        this.credentials = ("Basic " + Base64.getEncoder().encodeToString(("kimen:" + password)
                .getBytes(StandardCharsets.US_ASCII))).getBytes(StandardCharsets.US_ASCII);
        this.redact = Masker.replacing(bindings.stream().collect(Collectors.toMap(Brokered::value, Brokered::placeholder, (a, b) -> a)));
        this.sameLengths = bindings.stream().allMatch(Brokered::sameLength);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /**
     * Starts a proxy for {@code bindings} on a free loopback port; {@link #close} ends it and every
     * connection. {@code upstreamTls} is called once, on a thread of its own, which then also makes
     * the brokered hosts' certificates: the command need not wait for either.
     */
    public static BrokerProxy start(List<Brokered> bindings, Egress egress, java.util.concurrent.Callable<SSLContext> upstreamTls,
                                    Events events) {
        try {
            var proxy = new BrokerProxy(bindings, egress, upstreamTls, events, new SecureRandom());
            Thread.ofPlatform().daemon().name("kimen-broker").start(proxy::accept);
            Thread.ofVirtual().name("kimen-broker-setup").start(() -> {
                proxy.upstreamTls.run();
                bindings.stream().flatMap(b -> b.hosts().endpoints().stream()).map(BrokerHosts.Endpoint::host).distinct()
                        .forEach(proxy.ca::serverContext);
            });
            return proxy;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start the broker's proxy: " + e.getMessage(), e);
        }
    }

    /** The proxy's URL with its credentials, for the command's proxy variables. */
    public String url() {
        return "http://kimen:" + password + "@127.0.0.1:" + port();
    }

    /** The loopback port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** The run CA's certificate, PEM, for the command's trust bundle. */
    public String caPem() {
        return ca.pem();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing more to do with it
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("kimen-broker-client").start(() -> {
                    try {
                        serve(client);
                    } finally {
                        open.remove(client);
                        closeQuietly(client);
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            client.setSoTimeout(IDLE_MILLIS);
            var conn = serverConnection("http");
            conn.bind(client);
            ClassicHttpRequest head = conn.receiveRequestHeader();
            if (head == null) {
                return;
            }
            if (!authorized(head)) {
                var refusal = response(407, "kimen broker: proxy credentials required");
                refusal.addHeader("Proxy-Authenticate", "Basic realm=\"kimen\"");
                send(conn, refusal);
                return;
            }
            if ("CONNECT".equalsIgnoreCase(head.getMethod())) {
                connect(client, conn, head);
            } else {
                conn.receiveRequestEntity(head);
                plain(conn, head);
            }
        } catch (IOException | HttpException e) {
            // a client that went away or spoke no HTTP: its connection ends here
        } catch (RuntimeException e) {
            events.warn("the broker's proxy dropped a connection: " + e);
        }
    }

    private boolean authorized(ClassicHttpRequest head) {
        Header given = head.getFirstHeader("Proxy-Authorization");
        return given != null && MessageDigest.isEqual(credentials, given.getValue().strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** CONNECT host:port: a brokered host's TLS is ended here; another is tunnelled, or refused. */
    private void connect(Socket client, DefaultBHttpServerConnection conn, ClassicHttpRequest head)
            throws IOException, HttpException {
        URIAuthority target = head.getAuthority();
        String host = target.getHostName().toLowerCase(Locale.ROOT);
        int port = target.getPort() < 0 ? 443 : target.getPort();
        if (bindings.stream().anyMatch(b -> b.hosts().allows(host, port))) {
            send(conn, new BasicClassicHttpResponse(200, "Connection established"));
            SSLSocket tls = (SSLSocket) ca.serverContext(host).getSocketFactory().createSocket(client, null, client.getPort(), true);
            tls.setUseClientMode(false);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"}); // h2 is not spoken here: ALPN settles on HTTP/1.1
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            var inner = serverConnection("https");
            inner.bind(tls);
            try (var upstream = new Upstream(host, port)) {
                ClassicHttpRequest request;
                while ((request = inner.receiveRequestHeader()) != null) {
                    inner.receiveRequestEntity(request);
                    if (!brokered(inner, upstream, host, port, request)) {
                        return;
                    }
                }
            }
        } else if (egress == Egress.OPEN) {
            tunnel(client, conn, host, port);
        } else {
            send(conn, response(403, "kimen broker: " + host + ":" + port + " is not a brokered host (--egress brokered)"));
        }
    }

    /**
     * One request to a brokered host: placeholders of values brokered for it become the values,
     * one of any other value refuses the request; the answer comes back with the values turned
     * into placeholders again. Returns whether the connection goes on.
     */
    private boolean brokered(DefaultBHttpServerConnection inner, Upstream upstream, String host, int port,
                             ClassicHttpRequest request) throws IOException, HttpException {
        String path = pathOnly(request.getPath());
        String named = namedHost(request);
        if (named != null && !named.equals(host)) {
            // a Host (or absolute URI) naming another site: on a shared front end it would get the value
            events.warn("refused a request to " + host + " that named " + named + " as its host");
            for (Brokered b : bindings) {
                if (carries(request, b.placeholder())) {
                    events.request(b.secret(), named, request.getMethod(), path, "refused");
                }
            }
            send(inner, response(403, "kimen broker: the request names " + named + ", the tunnel is to " + host));
            return false;
        }
        List<Brokered> used = new ArrayList<>();
        for (Brokered b : bindings) {
            if (carries(request, b.placeholder())) {
                if (!b.hosts().allows(host, port)) {
                    refuse(inner, b, host, port, request.getMethod(), path);
                    return false;
                }
                used.add(b);
            }
        }
        var forward = new BasicClassicHttpRequest(request.getMethod(), request.getPath());
        copyHeaders(request, forward, "accept-encoding", value -> {
            for (Brokered b : used) {
                value = value.replace(b.placeholder(), b.value());
            }
            return value;
        });
        String where = host + (port == 443 ? "" : ":" + port);
        List<Brokered> inBody = bindings.stream().filter(b -> b.hosts().body() && b.hosts().allows(host, port)).toList();
        if (request.getEntity() == null || inBody.isEmpty()) {
            frame(request, request.getEntity(), forward);
            forward.setEntity(request.getEntity());
        } else {
            // in=headers,body: the placeholders in the body too, streamed; same lengths keep its Content-Length
            Masker swap = Masker.replacing(inBody.stream().collect(Collectors.toMap(Brokered::placeholder, Brokered::value)));
            if (inBody.stream().allMatch(Brokered::sameLength)) {
                frame(request, request.getEntity(), forward);
            } else {
                forward.addHeader("Transfer-Encoding", "chunked");
            }
            forward.setEntity(new HttpEntityWrapper(request.getEntity()) {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    try (InputStream in = request.getEntity().getContent()) {
                        if (swap.pump(in, out) > 0) {
                            inBody.stream().filter(b -> !used.contains(b))
                                    .forEach(b -> events.request(b.secret(), where, request.getMethod(), path, "allowed"));
                        }
                    }
                }
            });
        }
        forward.addHeader("Accept-Encoding", "identity"); // an answer must be readable to take the values out of it
        continueIfExpected(inner, request);
        for (Brokered b : used) {
            events.request(b.secret(), where, request.getMethod(), path, "allowed");
        }
        ClassicHttpResponse answer = upstream.exchange(forward);
        var back = new BasicClassicHttpResponse(answer.getCode(), answer.getReasonPhrase());
        copyHeaders(answer, back, null, this::redact);
        if (answer.getEntity() == null || sameLengths) {
            frame(answer, answer.getEntity(), back);
        } else {
            back.addHeader("Transfer-Encoding", "chunked"); // taking the values out changes the length
        }
        if (answer.getEntity() != null) {
            back.setEntity(new HttpEntityWrapper(answer.getEntity()) {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    try (InputStream in = answer.getEntity().getContent()) {
                        redact.pump(in, out);
                    }
                }
            });
        }
        inner.sendResponseHeader(back);
        inner.sendResponseEntity(back);
        inner.flush();
        return !closes(request) && !closes(answer) && upstream.isOpen();
    }

    /** A plain-HTTP request (absolute URI): never with a placeholder; forwarded only when egress is open. */
    private void plain(DefaultBHttpServerConnection conn, ClassicHttpRequest request) throws IOException, HttpException {
        URIAuthority target = request.getAuthority();
        String path = pathOnly(request.getPath());
        for (Brokered b : bindings) {
            if (carries(request, b.placeholder())) {
                refuse(conn, b, target == null ? "?" : target.getHostName(), target == null ? 80 : target.getPort(),
                        request.getMethod(), path);
                return;
            }
        }
        if (target == null || egress != Egress.OPEN) {
            send(conn, response(403, target == null ? "kimen broker: a proxy request needs an absolute URI"
                    : "kimen broker: " + target.getHostName() + " is not a brokered host (--egress brokered)"));
            return;
        }
        int port = target.getPort() < 0 ? 80 : target.getPort();
        var forward = new BasicClassicHttpRequest(request.getMethod(), request.getPath());
        copyHeaders(request, forward, null, value -> value);
        frame(request, request.getEntity(), forward);
        forward.addHeader("Connection", "close");
        forward.setEntity(request.getEntity());
        continueIfExpected(conn, request);
        try (Socket socket = new Socket()) {
            open.add(socket);
            socket.connect(new InetSocketAddress(target.getHostName(), port), CONNECT_MILLIS);
            socket.setSoTimeout(IDLE_MILLIS);
            var origin = new DefaultBHttpClientConnection(HTTP1);
            origin.bind(socket);
            ClassicHttpResponse answer = Upstream.exchange(origin, forward);
            var back = new BasicClassicHttpResponse(answer.getCode(), answer.getReasonPhrase());
            copyHeaders(answer, back, null, value -> value);
            frame(answer, answer.getEntity(), back);
            back.addHeader("Connection", "close");
            back.setEntity(answer.getEntity());
            conn.sendResponseHeader(back);
            conn.sendResponseEntity(back);
            conn.flush();
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    private void refuse(DefaultBHttpServerConnection conn, Brokered b, String host, int port, String method, String path)
            throws IOException, HttpException {
        String where = host + (port == 443 || port < 0 ? "" : ":" + port);
        events.warn("refused a request to " + where + " that carried the placeholder for " + b.variable()
                + " (" + b.secret() + " is brokered for " + b.hosts().describe() + " only)");
        events.request(b.secret(), where, method, path, "refused");
        send(conn, response(403, "kimen broker: " + b.variable() + " is brokered for " + b.hosts().describe()
                + " only, not " + where));
    }

    /** The host a request inside a tunnel names (its absolute URI's, else its Host header's), lower case; null if none. */
    private static String namedHost(ClassicHttpRequest request) {
        if (request.getAuthority() != null) {
            return request.getAuthority().getHostName().toLowerCase(Locale.ROOT);
        }
        Header hostHeader = request.getFirstHeader("Host");
        if (hostHeader == null) {
            return null;
        }
        try {
            return URIAuthority.create(hostHeader.getValue().strip()).getHostName().toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return hostHeader.getValue();
        }
    }

    /** Whether the placeholder is anywhere in the request's target or headers. */
    private static boolean carries(ClassicHttpRequest request, String placeholder) {
        if (request.getRequestUri().contains(placeholder)) {
            return true;
        }
        for (Header h : request.getHeaders()) {
            if (h.getValue().contains(placeholder)) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with each value (of {@link Masker#MIN_LENGTH} bytes or more, as in bodies) as its placeholder. */
    private String redact(String text) {
        for (Brokered b : bindings) {
            if (b.value().getBytes(StandardCharsets.UTF_8).length >= Masker.MIN_LENGTH) {
                text = text.replace(b.value(), b.placeholder());
            }
        }
        return text;
    }

    private void tunnel(Socket client, DefaultBHttpServerConnection conn, String host, int port)
            throws IOException, HttpException {
        Socket up = new Socket();
        open.add(up);
        try (up) {
            try {
                up.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
            } catch (IOException e) {
                send(conn, response(502, "kimen broker: cannot reach " + host + ":" + port));
                return;
            }
            send(conn, new BasicClassicHttpResponse(200, "Connection established"));
            Thread back = Thread.ofVirtual().start(() -> copy(up, client));
            copy(client, up);
            try {
                back.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            open.remove(up);
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException ended) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The proxy's connection to one brokered host, made on the first request, TLS verified. */
    private final class Upstream implements AutoCloseable {
        private final String host;
        private final int port;
        private DefaultBHttpClientConnection connection;
        private SSLSocket socket;

        Upstream(String host, int port) {
            this.host = host;
            this.port = port;
        }

        ClassicHttpResponse exchange(ClassicHttpRequest request) throws IOException, HttpException {
            if (connection == null || !connection.isOpen() || connection.isStale()) {
                close();
                socket = (SSLSocket) upstreamContext().getSocketFactory().createSocket();
                open.add(socket);
                socket.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
                socket.setSoTimeout(IDLE_MILLIS);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setServerNames(List.of(new SNIHostName(host)));
                parameters.setApplicationProtocols(new String[] {"http/1.1"});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                connection = new DefaultBHttpClientConnection(HTTP1);
                connection.bind(socket);
            }
            return exchange(connection, request);
        }

        static ClassicHttpResponse exchange(DefaultBHttpClientConnection connection, ClassicHttpRequest request)
                throws IOException, HttpException {
            connection.sendRequestHeader(request);
            if (request.getEntity() != null) {
                connection.sendRequestEntity(request);
            }
            connection.flush();
            ClassicHttpResponse answer;
            do {
                answer = connection.receiveResponseHeader();
            } while (answer.getCode() < 200); // interim answers: the request was sent whole already
            if (!request.getMethod().equalsIgnoreCase("HEAD") && answer.getCode() != 204 && answer.getCode() != 304) {
                connection.receiveResponseEntity(answer);
            }
            return answer;
        }

        boolean isOpen() {
            return connection != null && connection.isOpen();
        }

        @Override
        public void close() {
            if (socket != null) {
                open.remove(socket);
                closeQuietly(socket);
            }
        }
    }

    private SSLContext upstreamContext() throws IOException {
        try {
            return upstreamTls.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("cannot verify the brokered hosts: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static DefaultBHttpServerConnection serverConnection(String scheme) {
        return new DefaultBHttpServerConnection(scheme, HTTP1, null, null, null, null,
                new DefaultHttpRequestParserFactory(HTTP1, null, REQUESTS), null);
    }

    private static void send(DefaultBHttpServerConnection conn, ClassicHttpResponse response) throws IOException, HttpException {
        conn.sendResponseHeader(response);
        if (response.getEntity() != null) {
            conn.sendResponseEntity(response);
        }
        conn.flush();
    }

    private static ClassicHttpResponse response(int code, String message) {
        var response = new BasicClassicHttpResponse(code);
        var body = new StringEntity(message + "\n", org.apache.hc.core5.http.ContentType.TEXT_PLAIN);
        response.addHeader("Content-Type", body.getContentType());
        response.addHeader("Content-Length", Long.toString(body.getContentLength()));
        response.addHeader("Connection", "close");
        response.setEntity(body);
        return response;
    }

    /**
     * The one framing header {@code to} needs for {@code entity}, as httpcore5 read it from the
     * other side (never both, nor two lengths: a pair that two parsers could read two ways is how
     * requests are smuggled); without an entity (HEAD, 204, 304), the length {@code from} gave.
     */
    private static void frame(org.apache.hc.core5.http.HttpMessage from, org.apache.hc.core5.http.HttpEntity entity,
                              org.apache.hc.core5.http.HttpMessage to) {
        if (entity == null) {
            Header length = from.getFirstHeader("Content-Length");
            if (length != null) {
                to.addHeader(length);
            }
        } else if (entity.isChunked() || entity.getContentLength() < 0) {
            to.addHeader("Transfer-Encoding", "chunked");
        } else {
            to.addHeader("Content-Length", Long.toString(entity.getContentLength()));
        }
    }

    /** Headers of one hop (the framing ones too, which {@link #frame} sets, and Expect, which the proxy answers). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authorization",
            "proxy-authenticate", "proxy-connection", "te", "trailer", "upgrade", "content-length", "transfer-encoding",
            "expect");

    /** Copies {@code from}'s end-to-end headers but {@code dropped} (lower case, or null) to {@code to}, each value through {@code value}. */
    private static void copyHeaders(org.apache.hc.core5.http.HttpMessage from, org.apache.hc.core5.http.HttpMessage to,
                                    String dropped, java.util.function.UnaryOperator<String> value) {
        for (Header h : from.getHeaders()) {
            String name = h.getName().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !name.equals(dropped)) {
                to.addHeader(h.getName(), value.apply(h.getValue()));
            }
        }
    }

    /** A client that waits for "100 Continue" before its body gets it from the proxy, which reads the body itself. */
    private static void continueIfExpected(DefaultBHttpServerConnection conn, ClassicHttpRequest request)
            throws IOException, HttpException {
        if (request.containsHeader("Expect")) {
            conn.sendResponseHeader(new BasicClassicHttpResponse(100, "Continue"));
            conn.flush();
        }
    }

    private static boolean closes(org.apache.hc.core5.http.HttpMessage message) {
        Header connection = message.getFirstHeader("Connection");
        return connection != null && connection.getValue().toLowerCase(Locale.ROOT).contains("close");
    }

    /** The path without its query, for the access log (a query may hold anything). */
    private static String pathOnly(String path) {
        if (path == null) {
            return "/";
        }
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
