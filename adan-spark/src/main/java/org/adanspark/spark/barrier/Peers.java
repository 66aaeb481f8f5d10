package org.adanspark.spark.barrier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.client.TransportClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A barrier task's view of the others: its rank, the stage's size, a {@link MessageServer} on the
 * executor's address whose messages land in an {@link Inbox}, connections to every other task and to the
 * driver. Made once per stage attempt with one {@code allGather} of the addresses (the barrier context's
 * only use: each call costs about a second), after which every message rides the network module.
 */
final class Peers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Peers.class);
    private static final long FLUSH_TIMEOUT_MS = 30_000;

    private final int rank;
    private final int size;
    private final int attempt;
    private final MessageServer server;
    private final Inbox inbox;
    private final TransportClient[] peers;
    private final TransportClient driver;
    private final String note;

    private Peers(int rank, int size, int attempt, MessageServer server, Inbox inbox, TransportClient[] peers,
                  TransportClient driver, String note) {
        this.rank = rank;
        this.size = size;
        this.attempt = attempt;
        this.server = server;
        this.inbox = inbox;
        this.peers = peers;
        this.driver = driver;
        this.note = note;
    }

    /**
     * Starts this task's server, exchanges addresses with the other tasks, and connects to them and to the
     * driver.
     *
     * @param task the barrier task's context
     * @param job the run
     * @param note what task 0 tells every task at the rendezvous (where the run restarts from); evaluated on
     *     task 0 only
     * @return the connected peers
     */
    static Peers join(BarrierTaskContext task, BarrierJob job, Supplier<String> note) {
        int rank = task.partitionId();
        int size = task.getTaskInfos().length;
        int attempt = task.stageAttemptNumber();
        Inbox inbox = new Inbox(job.timeoutMs());
        SparkEnv env = SparkEnv.get();
        String host = env.blockManager().blockManagerId().host();
        MessageServer server = new MessageServer(env.conf(), env.securityManager(), host, job.run(), attempt, inbox::put);
        try {
            String mine = server.address() + "\n" + (rank == 0 ? note.get() : "");
            String[] all = task.allGather(mine);
            TransportClient[] peers = new TransportClient[size];
            for (int q = 0; q < size; q++) {
                if (q != rank) {
                    peers[q] = server.connect(all[q].substring(0, all[q].indexOf('\n')));
                }
            }
            TransportClient driver = server.connect(job.driverAddress());
            return new Peers(rank, size, attempt, server, inbox, peers, driver, all[0].substring(all[0].indexOf('\n') + 1));
        } catch (IOException | RuntimeException e) {
            server.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("barrier task " + rank + " could not connect to its peers: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** @return this task's rank, its partition */
    int rank() {
        return rank;
    }

    /** @return the number of tasks */
    int size() {
        return size;
    }

    /** @return the stage attempt, from 0 */
    int attempt() {
        return attempt;
    }

    /** @return what task 0 said at the rendezvous */
    String note() {
        return note;
    }

    /**
     * Sends a message to task {@code to} (to this task's own inbox when it is this task).
     *
     * @param to the receiving rank
     * @param m the message
     */
    void send(int to, Message m) {
        if (to == rank) {
            inbox.put(m);
        } else {
            server.send(peers[to], m, attempt);
        }
    }

    /**
     * Sends a message to every task, this one included.
     *
     * @param m the message
     */
    void sendAll(Message m) {
        for (int q = 0; q < size; q++) {
            send(q, m);
        }
    }

    /**
     * Sends an event to the driver.
     *
     * @param m the event
     */
    void toDriver(Message m) {
        server.send(driver, m, attempt);
    }

    /**
     * Waits for a message ({@link Inbox#take}).
     *
     * @param kind its kind
     * @param step its step
     * @param from its sender
     * @return the message
     */
    Message take(Message.Kind kind, long step, int from) {
        return inbox.take(kind, step, from);
    }

    /**
     * The end of a task that has finished its work: a one-way message still in a socket buffer when a
     * connection closes would be lost, leaving a peer (or the driver) waiting for it. So every task sends
     * {@link Message.Kind#DONE} to every other and stops only when it has every other task's: a DONE
     * arrives after everything its sender sent before it on the connection, and nobody closes a server
     * someone still sends to. Then the driver's connection is flushed.
     */
    void finish() {
        Message done = new Message(Message.Kind.DONE, -1, rank, new byte[0], new float[0]);
        for (int q = 0; q < size; q++) {
            if (q != rank) {
                send(q, done);
            }
        }
        for (int q = 0; q < size; q++) {
            if (q != rank) {
                take(Message.Kind.DONE, -1, q);
            }
        }
        flushDriver();
    }

    /** Waits until every event this task sent the driver has arrived (logged when it cannot be confirmed). */
    void flushDriver() {
        try {
            server.flush(driver, attempt, rank, FLUSH_TIMEOUT_MS);
        } catch (RuntimeException e) {
            LOG.warn("task {} could not confirm its last messages to the driver: {}", rank, e.getMessage());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
