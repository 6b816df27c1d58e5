package dev.sluice.runtime;

import dev.sluice.backend.Server;
import dev.sluice.config.ResolversConfig;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code resolvers} section at work: Sluice's own DNS client, over UDP,
 * non-blocking, on a thread of its own (never a loop's, never the request
 * path's), that resolves the names of the servers using the section every
 * {@code timeout resolve} and moves the servers with the answers.
 *
 * <p>A server line's server takes one address of the answer (the one it has if
 * the answer still holds it, else the first of the preferred family). A
 * {@code server-template}'s servers share the answer: each address (or SRV
 * target and port) keeps the server it has, new ones take servers without an
 * address, and a server whose address left the answer goes into maintenance
 * ({@code hold obsolete} later), so that servers come and go with the records,
 * without a reload. A failed resolution (NXDOMAIN, REFUSED, another error, or
 * no answer after {@code resolve_retries} queries, each {@code timeout retry}
 * apart and to the next name server) leaves servers as they are for the
 * section's {@code hold} period after the last good answer, then puts them in
 * maintenance. Servers change through their backends' thread-safe calls.
 *
 * <p>Memory: one query and one answer buffer, and one record of state per name;
 * nothing grows with traffic. Thread-safe: built and closed by the control
 * thread; the rest runs on the section's thread.
 */
public final class Resolvers implements AutoCloseable {
    /** The largest answer read (the most a UDP datagram carries). */
    private static final int MAX_ANSWER = 65_535;

    private final ResolversConfig config;
    private final Consumer<Server> addressChanged;
    private final List<Name> names = new ArrayList<>();
    private final Map<Integer, Name> pending = new HashMap<>();
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer out = ByteBuffer.allocate(512);
    private final ByteBuffer in;
    private final SplittableRandom ids = new SplittableRandom();
    private volatile boolean closed;
    private volatile long answers;
    private volatile long timeouts;
    private volatile long errors;

    /** The servers to fill from one name. */
    public record Target(String hostname, boolean srv, boolean preferIpv6, int port, List<Server> servers,
                         boolean template) {
    }

    /** One name's resolution state; owned by the section's thread. */
    private static final class Name {
        final Target target;
        long due;
        int queryId = -1;
        int type;
        long sentAt;
        int attempts;
        int nameserver;
        long lastValid;
        /** For template servers: when a server's entry left the answer (0: it is in it, or has none). */
        final long[] missingSince;

        Name(Target target, long now) {
            this.target = target;
            this.due = now;
            this.lastValid = now;
            this.missingSince = new long[target.servers().size()];
        }
    }

    private Resolvers(ResolversConfig config, List<Target> targets, Consumer<Server> addressChanged)
            throws IOException {
        this.config = config;
        this.addressChanged = addressChanged;
        this.in = ByteBuffer.allocate(Math.min(MAX_ANSWER, Math.max(512, config.acceptedPayloadSize())));
        long now = System.nanoTime();
        for (Target t : targets) {
            names.add(new Name(t, now));
        }
        boolean v6 = config.nameservers().stream().allMatch(a -> a.getAddress() instanceof Inet6Address);
        this.channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        this.channel.configureBlocking(false);
        this.channel.bind(null);
        this.selector = Selector.open();
        this.channel.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::run, "sluice-dns-" + config.name());
        this.thread.setDaemon(true);
    }

    /** Starts resolving {@code targets} through {@code config}'s name servers; the first queries leave at once. */
    public static Resolvers start(ResolversConfig config, List<Target> targets, Consumer<Server> addressChanged)
            throws IOException {
        Resolvers r = new Resolvers(config, targets, addressChanged);
        r.thread.start();
        return r;
    }

    /** Answers read, resolutions timed out, error answers: a recent value. */
    public long answers() {
        return answers;
    }

    public long timeouts() {
        return timeouts;
    }

    public long errors() {
        return errors;
    }

    private void run() {
        while (!closed) {
            try {
                long now = System.nanoTime();
                long next = now + TimeUnit.MILLISECONDS.toNanos(config.resolveMillis());
                for (Name n : names) {
                    next = Math.min(next, step(n, now));
                }
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()));
                selector.select(waitMillis);
                selector.selectedKeys().clear();
                receive();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("sluice: resolvers " + config.name() + ": " + e);
                    sleep();
                }
            } catch (RuntimeException e) {
                System.err.println("sluice: resolvers " + config.name() + ": " + e);
                e.printStackTrace(System.err);
                sleep();
            }
        }
    }

    /** Sends what is due for {@code n}; returns when it wants to be looked at again. */
    private long step(Name n, long now) throws IOException {
        if (n.queryId >= 0) {
            long retry = n.sentAt + TimeUnit.MILLISECONDS.toNanos(config.retryMillis());
            if (now - retry < 0) {
                return retry;
            }
            pending.remove(n.queryId);
            n.queryId = -1;
            if (n.attempts >= config.retries()) {
                timeouts++;
                failed(n, config.holdTimeoutMillis(), now);
                n.attempts = 0;
                n.due = now + TimeUnit.MILLISECONDS.toNanos(config.resolveMillis());
                return n.due;
            }
            // No answer: the next name server, the same question.
            n.nameserver++;
            send(n, n.type, now);
            return n.sentAt + TimeUnit.MILLISECONDS.toNanos(config.retryMillis());
        }
        if (now - n.due < 0) {
            return n.due;
        }
        n.attempts = 0;
        send(n, n.target.srv() ? DnsMessage.SRV : n.target.preferIpv6() ? DnsMessage.AAAA : DnsMessage.A, now);
        return n.sentAt + TimeUnit.MILLISECONDS.toNanos(config.retryMillis());
    }

    private void send(Name n, int type, long now) throws IOException {
        int id;
        do {
            id = ids.nextInt(0x10000);
        } while (pending.containsKey(id));
        n.queryId = id;
        n.type = type;
        n.sentAt = now;
        n.attempts++;
        pending.put(id, n);
        DnsMessage.query(out, id, n.target.hostname(), type, config.acceptedPayloadSize());
        List<InetSocketAddress> servers = config.nameservers();
        channel.send(out, servers.get(Math.floorMod(n.nameserver, servers.size())));
    }

    private void receive() throws IOException {
        while (true) {
            in.clear();
            java.net.SocketAddress from = channel.receive(in);
            if (from == null) {
                return;
            }
            in.flip();
            if (!config.nameservers().contains(from)) {
                // Only the configured name servers are heard: anything else could be spoofed.
                continue;
            }
            DnsMessage.Response r;
            try {
                r = DnsMessage.parse(in);
            } catch (DnsMessage.MalformedException e) {
                errors++;
                continue;
            }
            Name n = pending.remove(r.id());
            if (n == null) {
                continue;
            }
            n.queryId = -1;
            answers++;
            answered(n, r, System.nanoTime());
        }
    }

    private void answered(Name n, DnsMessage.Response r, long now) throws IOException {
        boolean preferredFamily = !n.target.srv() && n.type == (n.target.preferIpv6() ? DnsMessage.AAAA : DnsMessage.A);
        if (preferredFamily && (r.rcode() != DnsMessage.NOERROR || entries(n, r).isEmpty())) {
            // Nothing of the preferred family (none, or an error for that type): the other one, before any verdict.
            n.attempts = 0;
            send(n, n.type == DnsMessage.A ? DnsMessage.AAAA : DnsMessage.A, now);
            return;
        }
        if (r.rcode() != DnsMessage.NOERROR) {
            errors++;
            long hold = r.rcode() == DnsMessage.NXDOMAIN ? config.holdNxMillis()
                    : r.rcode() == DnsMessage.REFUSED ? config.holdRefusedMillis() : config.holdOtherMillis();
            failed(n, hold, now);
            n.due = now + TimeUnit.MILLISECONDS.toNanos(config.resolveMillis());
            return;
        }
        Set<InetSocketAddress> entries = entries(n, r);
        n.due = now + TimeUnit.MILLISECONDS.toNanos(config.resolveMillis());
        if (entries.isEmpty()) {
            failed(n, config.holdOtherMillis(), now);
            return;
        }
        n.lastValid = now;
        if (n.target.template()) {
            fillTemplate(n, entries, now);
        } else {
            Server s = n.target.servers().get(0);
            if (!entries.contains(s.address()) || s.unresolved()) {
                move(s, entries.contains(s.address()) ? s.address() : entries.iterator().next());
            }
        }
    }

    /** The addresses (with ports) an answer gives for the name, the preferred family first. */
    private static Set<InetSocketAddress> entries(Name n, DnsMessage.Response r) {
        Set<InetSocketAddress> preferred = new LinkedHashSet<>();
        Set<InetSocketAddress> other = new LinkedHashSet<>();
        if (n.target.srv()) {
            for (DnsMessage.Record srv : r.answers()) {
                if (srv.type() != DnsMessage.SRV) {
                    continue;
                }
                for (DnsMessage.Record a : concat(r.additional(), r.answers())) {
                    if (a.address() != null && a.name().equals(srv.target())) {
                        add(n, new InetSocketAddress(a.address(), srv.port()), preferred, other);
                    }
                }
            }
        } else {
            for (DnsMessage.Record a : r.answers()) {
                if (a.address() != null) {
                    add(n, new InetSocketAddress(a.address(), n.target.port()), preferred, other);
                }
            }
        }
        preferred.addAll(other);
        return preferred;
    }

    private static List<DnsMessage.Record> concat(List<DnsMessage.Record> a, List<DnsMessage.Record> b) {
        List<DnsMessage.Record> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void add(Name n, InetSocketAddress e, Set<InetSocketAddress> preferred,
                            Set<InetSocketAddress> other) {
        boolean v6 = e.getAddress() instanceof Inet6Address;
        (v6 == n.target.preferIpv6() ? preferred : other).add(e);
    }

    /**
     * Each entry keeps the server it has; the others take servers without one;
     * a server whose entry left the answer goes into maintenance once
     * {@code hold obsolete} has passed.
     */
    private void fillTemplate(Name n, Set<InetSocketAddress> entries, long now) {
        List<Server> servers = n.target.servers();
        Set<InetSocketAddress> left = new LinkedHashSet<>(entries);
        boolean[] holding = new boolean[servers.size()];
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            if (!s.unresolved() && left.remove(s.address())) {
                holding[i] = true;
                n.missingSince[i] = 0;
            }
        }
        long obsolete = TimeUnit.MILLISECONDS.toNanos(config.holdObsoleteMillis());
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            if (holding[i] || s.unresolved()) {
                continue;
            }
            if (n.missingSince[i] == 0) {
                n.missingSince[i] = now;
            }
            if (now - n.missingSince[i] >= obsolete) {
                s.setResolved(false);
                n.missingSince[i] = 0;
            } else {
                holding[i] = true;
            }
        }
        for (int i = 0; i < servers.size() && !left.isEmpty(); i++) {
            if (!holding[i] && servers.get(i).unresolved()) {
                InetSocketAddress e = left.iterator().next();
                left.remove(e);
                move(servers.get(i), e);
            }
        }
    }

    private void move(Server s, InetSocketAddress to) {
        if (!to.equals(s.address())) {
            s.setAddress(to);
            addressChanged.accept(s);
        }
        if (s.unresolved()) {
            s.setResolved(true);
        }
    }

    /** A resolution failed: past the hold since the last good answer, the name's servers lose their addresses. */
    private void failed(Name n, long holdMillis, long now) {
        if (now - n.lastValid < TimeUnit.MILLISECONDS.toNanos(holdMillis)) {
            return;
        }
        for (Server s : n.target.servers()) {
            if (!s.unresolved()) {
                s.setResolved(false);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops resolving; the servers keep the addresses they have. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2_000);
            selector.close();
            channel.close();
        } catch (IOException e) {
            System.err.println("sluice: resolvers " + config.name() + ": closing: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@code a} is an address a resolver gave (not the unresolved placeholder). */
    static boolean resolved(InetAddress a) {
        return !a.isAnyLocalAddress();
    }
}
