package org.adanspark.spark.barrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.testing.TestKeyStore;
import org.apache.spark.network.client.TransportClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * The barrier execution's data plane without Spark running: messages arrive whole and in their scope;
 * a message of another run or stage attempt is refused; with {@code spark.authenticate} a peer without the
 * application's secret cannot deliver anything; under {@code spark.ssl.rpc.enabled} (a key store the test makes)
 * only TLS peers are heard, and TLS without a key is refused rather than run in plain text.
 */
class MessageServerTest {

    private static final long RUN = 0x5eedL;

    @TempDir
    static Path tmp;

    private static SparkConf conf(String secret) {
        SparkConf conf = new SparkConf(false).set("spark.app.id", "app-test")
                .set("spark.network.auth.rpcTimeout", "5s");
        if (secret != null) {
            conf.set("spark.authenticate", "true").set("spark.authenticate.secret", secret);
        }
        return conf;
    }

    private static SparkConf tls(SparkConf conf) throws IOException {
        Path store = tmp.resolve("adan-test.p12");
        TestKeyStore keys = Files.exists(store) ? new TestKeyStore(store, "adan-test-password") : TestKeyStore.create(tmp);
        keys.sparkTls().forEach(conf::set);
        return conf;
    }

    private static MessageServer server(SparkConf conf, long run, int attempt, LinkedBlockingQueue<Message> inbox) {
        SecurityManager security = new SecurityManager(conf, Option.empty(), package$.MODULE$.AUTH_SECRET_FILE());
        return new MessageServer(conf, security, "127.0.0.1", run, attempt, inbox::add);
    }

    private static Message gradient() {
        return new Message(Message.Kind.GRADIENT, 7, 1, Scalars.writer().putDouble(2.5).putLong(512).bytes(),
                new float[] {1f, -0f, Float.MIN_VALUE, 3.25e-7f});
    }

    @Test
    void aMessageArrivesWithItsScalarsAndFloatsBitForBit() throws Exception {
        LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
        try (MessageServer a = server(conf(null), RUN, 0, received);
             MessageServer b = server(conf(null), RUN, 0, new LinkedBlockingQueue<>())) {
            b.send(b.connect(a.address()), gradient(), 0);
            Message m = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(m);
            assertEquals(Message.Kind.GRADIENT, m.kind());
            assertEquals(7, m.step());
            assertEquals(1, m.from());
            assertArrayEquals(gradient().floats(), m.floats());
            Scalars.Reader r = Scalars.reader(m.scalars());
            assertEquals(2.5, r.getDouble());
            assertEquals(512, r.getLong());
        }
    }

    @Test
    void messagesOfAnotherRunOrStageAttemptAreRefused() throws Exception {
        LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
        try (MessageServer a = server(conf(null), RUN, 1, received);
             MessageServer otherRun = server(conf(null), RUN + 1, 1, new LinkedBlockingQueue<>());
             MessageServer sameRun = server(conf(null), RUN, 1, new LinkedBlockingQueue<>())) {
            otherRun.send(otherRun.connect(a.address()), gradient(), 1);
            TransportClient toA = sameRun.connect(a.address());
            sameRun.send(toA, gradient(), 0); // an earlier attempt's message
            sameRun.send(toA, gradient(), 1);
            Message m = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "the message of this run and attempt arrives");
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "and nothing else");
        }
    }

    @Test
    void withAuthenticationOnlyAPeerWithTheApplicationsSecretIsHeard() throws Exception {
        LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
        try (MessageServer a = server(conf("s3cret"), RUN, 0, received);
             MessageServer friend = server(conf("s3cret"), RUN, 0, new LinkedBlockingQueue<>());
             MessageServer stranger = server(conf("guess"), RUN, 0, new LinkedBlockingQueue<>())) {
            assertThrows(Exception.class, () -> stranger.send(stranger.connect(a.address()), gradient(), 0));
            friend.send(friend.connect(a.address()), gradient(), 0);
            Message m = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(m);
            assertArrayEquals(gradient().floats(), m.floats());
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "the stranger's message never arrived");
        }
    }

    @Test
    void underTlsOnlyATlsPeerIsHeard() throws Exception {
        LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
        try (MessageServer a = server(tls(conf(null)), RUN, 0, received);
             MessageServer friend = server(tls(conf(null)), RUN, 0, new LinkedBlockingQueue<>());
             MessageServer plain = server(conf(null), RUN, 0, new LinkedBlockingQueue<>())) {
            assertEquals("TLS", a.protection());
            assertEquals("plain", plain.protection());
            try {
                plain.send(plain.connect(a.address()), gradient(), 0);
            } catch (Exception refused) {
                // the TLS server may close the connection before the plain text is written; either way
            }
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "a plain-text message never arrives");
            friend.send(friend.connect(a.address()), gradient(), 0);
            Message m = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(m);
            assertArrayEquals(gradient().floats(), m.floats());
        }
    }

    @Test
    void underTlsWithAuthenticationATlsPeerWithoutTheSecretIsNotHeard() throws Exception {
        LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
        try (MessageServer a = server(tls(conf("s3cret")), RUN, 0, received);
             MessageServer friend = server(tls(conf("s3cret")), RUN, 0, new LinkedBlockingQueue<>());
             MessageServer stranger = server(tls(conf("guess")), RUN, 0, new LinkedBlockingQueue<>());
             MessageServer plain = server(conf("s3cret"), RUN, 0, new LinkedBlockingQueue<>())) {
            assertEquals("TLS, authenticated", a.protection());
            assertThrows(Exception.class, () -> stranger.send(stranger.connect(a.address()), gradient(), 0));
            assertThrows(Exception.class, () -> plain.send(plain.connect(a.address()), gradient(), 0),
                    "the secret alone does not get a plain-text peer in");
            friend.send(friend.connect(a.address()), gradient(), 0);
            assertNotNull(received.poll(10, TimeUnit.SECONDS));
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "only the friend's message arrived");
        }
    }

    @Test
    void tlsWithoutAKeyIsRefusedNamingTheSetting() {
        SparkConf conf = conf(null).set("spark.ssl.rpc.enabled", "true");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> server(conf, RUN, 0, new LinkedBlockingQueue<>()).close());
        assertTrue(e.getMessage().contains("spark.ssl.rpc.keyStore"), e.getMessage());
    }
}
