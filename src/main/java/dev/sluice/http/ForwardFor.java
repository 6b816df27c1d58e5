package dev.sluice.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code option forwardfor [except NETWORK] [header NAME] [if-none]}
 * asks of the requests one frontend sends to one backend: the field that
 * names the client ({@code X-Forwarded-For} unless {@code header} says
 * otherwise), the clients it is not added for, and whether a request that
 * brings the field keeps it alone.
 *
 * <p>When both the frontend and the backend set the option, as in HAProxy:
 * the field is added if either asks; the backend's {@code header} wins over
 * the frontend's; a client in either side's {@code except} network gets no
 * field; and {@code if-none} holds only when every side that asks says it
 * (a side without it wants the field added always).
 *
 * <p>Immutable; safe to share between loops.
 */
public final class ForwardFor {
    /** {@code option forwardfor} without arguments. */
    public static final ForwardFor DEFAULT = new ForwardFor("X-Forwarded-For", false, List.of(), false);

    private final String name;
    private final byte[] lowerCaseName;
    /** Whether {@code header} named the field (so that a backend's wins over a frontend's). */
    private final boolean named;
    private final List<AclNetworks> except;
    private final boolean ifNone;

    private ForwardFor(String name, boolean named, List<AclNetworks> except, boolean ifNone) {
        this.name = name;
        this.lowerCaseName = name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        this.named = named;
        this.except = List.copyOf(except);
        this.ifNone = ifNone;
    }

    /**
     * One section's option.
     *
     * @param header the field's name, or null for X-Forwarded-For
     * @param except {@code ADDRESS[/BITS]}, or null
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static ForwardFor of(String header, String except, boolean ifNone) {
        if (header != null) {
            Acl.checkFieldName(header);
        }
        List<AclNetworks> networks = except == null ? List.of() : List.of(AclNetworks.parse(List.of(except)));
        return new ForwardFor(header == null ? "X-Forwarded-For" : header, header != null, networks, ifNone);
    }

    /** What the two sides ask together; null when neither asks. */
    public static ForwardFor combine(ForwardFor frontend, ForwardFor backend) {
        if (frontend == null || backend == null) {
            return frontend == null ? backend : frontend;
        }
        ForwardFor naming = backend.named || !frontend.named ? backend : frontend;
        List<AclNetworks> except = new ArrayList<>(frontend.except);
        except.addAll(backend.except);
        return new ForwardFor(naming.name, naming.named, except, frontend.ifNone && backend.ifNone);
    }

    /** Whether a client at {@code address} (4 or 16 bytes) gets no field: it lies in an except network. */
    public boolean excepts(byte[] address) {
        for (AclNetworks networks : except) {
            if (networks.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a request that carries the field already keeps it alone ({@code if-none}). */
    public boolean ifNone() {
        return ifNone;
    }

    /** The field's name in lower case, to look it up in a request head. */
    public byte[] lowerCaseName() {
        return lowerCaseName;
    }

    /** {@code NAME: ADDRESS} without CRLF, built once per client connection and name. */
    public byte[] fieldLine(byte[] clientAddress) {
        return (name + ": " + ForwardedFor.text(clientAddress)).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "forwardfor[" + name + (except.isEmpty() ? "" : " except") + (ifNone ? " if-none" : "") + "]";
    }
}
