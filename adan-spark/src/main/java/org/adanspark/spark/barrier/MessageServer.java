package org.adanspark.spark.barrier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.adanspark.spark.config.DataPlaneSecurity;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientBootstrap;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.crypto.AuthServerBootstrap;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.server.TransportServerBootstrap;
import org.apache.spark.network.util.TransportConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint of the barrier execution's data plane, on Spark's own network module
 * ({@code org.apache.spark.network}, the transport Spark's shuffle and RPC use): a server bound to this
 * process's address that hands every accepted {@link Message} to a consumer, and clients to the other
 * endpoints. It takes Spark's RPC security as Spark's own RPC does ({@link DataPlaneSecurity}): TLS, and with
 * {@code spark.authenticate} on, Spark's authentication bootstrap with the application's secret; a message of
 * another run or stage attempt is refused and logged, never delivered (docs/ARCHITECTURE.md, "The barrier
 * execution", and docs/CLUSTER.md, "Security").
 */
final class MessageServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageServer.class);
    private final long run;
    private final int stageAttempt;
    private final TransportContext context;
    private final TransportServer server;
    private final TransportClientFactory clients;
    private final String host;
    private final boolean authenticated;

    /**
     * Starts a server on an ephemeral port of {@code host}.
     *
     * @param conf the application's Spark configuration
     * @param security the process's security manager (its secret authenticates peers)
     * @param host the address to bind: the executor's or the driver's own, never every interface
     * @param run the run's identifier
     * @param stageAttempt the barrier stage attempt the endpoint belongs to (the driver's accepts any: -1)
     * @param deliver receives every accepted message, on a network thread
     */
    MessageServer(SparkConf conf, SecurityManager security, String host, long run, int stageAttempt,
                  Consumer<Message> deliver) {
        this.run = run;
        this.stageAttempt = stageAttempt;
        this.host = host;
        TransportConf transportConf = DataPlaneSecurity.transportConf(conf, security);
        this.context = new TransportContext(transportConf, new Handler(deliver));
        List<TransportServerBootstrap> serverBootstraps = new ArrayList<>();
        List<TransportClientBootstrap> clientBootstraps = new ArrayList<>();
        this.authenticated = security.isAuthenticationEnabled();
        if (authenticated) {
            serverBootstraps.add(new AuthServerBootstrap(transportConf, security));
            clientBootstraps.add(new AuthClientBootstrap(transportConf, conf.getAppId(), security));
        }
        this.server = context.createServer(host, 0, serverBootstraps);
        this.clients = context.createClientFactory(clientBootstraps);
    }

    /** @return how the endpoint's connections are protected, for the run's log: "TLS, authenticated", … */
    String protection() {
        return DataPlaneSecurity.describe(context.getConf(), authenticated);
    }

    /** @return {@code host:port} where this endpoint listens */
    String address() {
        return host + ":" + server.getPort();
    }

    /**
     * Connects to another endpoint (once; the connection is pooled).
     *
     * @param address its {@code host:port}
     * @return a connection
     * @throws IOException if it cannot be reached
     */
    TransportClient connect(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        try {
            return clients.createClient(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + address, e);
        }
    }

    /**
     * Sends a message one way, scoped to this endpoint's run and the given attempt.
     *
     * @param to the connection
     * @param message the message
     * @param attempt the receiver's stage attempt
     */
    void send(TransportClient to, Message message, int attempt) {
        to.send(message.encode(run, attempt));
    }

    /**
     * Waits until every message sent so far on a connection has been delivered: one request, answered by
     * the other end after it has handled all that came before it on the connection.
     *
     * @param to the connection
     * @param attempt the receiver's stage attempt
     * @param from this endpoint's rank, for the receiver's log
     * @param timeoutMs how long to wait for the answer
     * @throws RuntimeException when the other end does not answer (it is gone)
     */
    void flush(TransportClient to, int attempt, int from, long timeoutMs) {
        to.sendRpcSync(new Message(Message.Kind.FLUSH, 0, from, new byte[0], new float[0]).encode(run, attempt), timeoutMs);
    }

    @Override
    public void close() {
        clients.close();
        server.close();
        context.close();
    }

    /** Decodes what arrives, refusing messages of another run or attempt. */
    private final class Handler extends RpcHandler {
        private final Consumer<Message> deliver;
        private final StreamManager streams = new OneForOneStreamManager();

        Handler(Consumer<Message> deliver) {
            this.deliver = deliver;
        }

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            receive(client, message); // in order after the one-way messages before it on this connection
            callback.onSuccess(ByteBuffer.allocate(0));
        }

        @Override
        public void receive(TransportClient client, ByteBuffer message) {
            Message m;
            try {
                m = Message.decode(message, run, stageAttempt);
            } catch (IllegalArgumentException e) {
                LOG.warn("refused a message from {}: {}", client.getSocketAddress(), e.getMessage());
                return;
            }
            if (m.kind() != Message.Kind.FLUSH) {
                deliver.accept(m);
            }
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }
}
