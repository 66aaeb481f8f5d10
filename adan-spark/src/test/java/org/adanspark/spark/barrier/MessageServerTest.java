package org.adanspark.spark.barrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.apache.spark.network.client.TransportClient;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * The barrier execution's data plane without Spark running: messages arrive whole and in their scope;
 * a message of another run or stage attempt is refused; with {@code spark.authenticate} a peer without the
 * application's secret cannot deliver anything.
 */
class MessageServerTest {

    private static final long RUN = 0x5eedL;

    private static SparkConf conf(String secret) {
        SparkConf conf = new SparkConf(false).set("spark.app.id", "app-test");
        if (secret != null) {
            conf.set("spark.authenticate", "true").set("spark.authenticate.secret", secret);
        }
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
}
