package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.http.CookiePairs;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.StickRule;
import dev.sluice.http.StickRules;
import dev.sluice.stick.StickTable;
import dev.sluice.stick.StickTables;

/**
 * Server persistence by stick table for one session's requests, as HAProxy
 * runs its stick rules. On the request, after the backend's rules and its
 * persistence cookie, the rules run in file order: a rule that stores skips
 * itself (its match too) when an earlier one already stores in the same
 * table; a rule whose condition holds and whose key the request has looks the
 * key up ({@code stick match}, {@code stick on}), and the first entry that
 * names a server of the backend that takes persistent requests (UP or
 * drained) chooses it, unless the cookie chose one already; every entry a
 * match finds is touched all the same. A storing rule ({@code stick
 * store-request}, {@code stick on}) keeps its key, copied, up to eight per
 * request. Once the server answers (HTTP: the final response head; TCP: the
 * connection established) each key is stored naming that server, the one
 * that served after any retry or redispatch; a request that no server
 * answered stores nothing.
 *
 * <p>An entry names its server by name (HAProxy's default {@code srvkey
 * name}) and by id (its position in the backend, from 1): the name is tried
 * first in the request's backend, then the id, so a table two backends share
 * sends a key to the server of the same name in each.
 *
 * <p>Takes no buffer and never waits: the table's lock is held for a lookup
 * or a store. The key arrays are the session's own, grown to the largest key
 * of the tables it meets (at most {@code len}, 1024 bytes) and kept for the
 * next requests. Not thread-safe: one per session, on its loop.
 */
final class StickPersistence {
    /** How many keys one request stores at most, as in HAProxy. */
    static final int MAX_STORES = 8;

    // Made at the first request whose backend has stick rules: a connection that never meets one (most of them,
    // idle ones above all) keeps only this object (FootprintEndToEndTest).
    private CookiePairs pairs;
    private byte[] lookupKey;
    private StickTable[] storeTables;
    private byte[][] storeKeys;
    private int[] storeLengths;
    private boolean[] storeAddresses;
    private int stores;

    /**
     * Runs {@code rules} for a request routed to {@code backend}: the server
     * an entry names, or null to balance. Forgets the keys an earlier request
     * kept and did not store.
     *
     * @param assigned whether a persistence cookie chose the server already: the rules then only touch the
     *     entries they find and keep their keys
     */
    Server request(StickRules rules, Backend backend, HttpRequestView request, StickTables tables, boolean assigned) {
        clear();
        if (rules.size() == 0) {
            return null;
        }
        if (storeTables == null) {
            pairs = new CookiePairs();
            lookupKey = new byte[16];
            storeTables = new StickTable[MAX_STORES];
            storeKeys = new byte[MAX_STORES][];
            storeLengths = new int[MAX_STORES];
            storeAddresses = new boolean[MAX_STORES];
        }
        Server chosen = null;
        for (int r = 0; r < rules.size(); r++) {
            StickRule rule = rules.get(r);
            StickTable table = tables.table(rule.table());
            if (table == null || rule.stores() && storesIn(table) || !rule.applies(request)) {
                continue;
            }
            boolean keeps = rule.stores() && stores < MAX_STORES;
            byte[] key = keeps ? storeKey(table) : lookupKey(table);
            int n = rule.key(request, pairs, key);
            if (n < 0) {
                continue;
            }
            if (rule.matches()) {
                long match = table.matchServer(key, n, rule.addressKey());
                if (match != 0 && chosen == null && !assigned) {
                    chosen = usable(backend, match);
                }
            }
            if (keeps) {
                storeTables[stores] = table;
                storeLengths[stores] = n;
                storeAddresses[stores] = rule.addressKey();
                stores++;
            }
        }
        return chosen;
    }

    /** Whether the request keeps keys to store once a server answers. */
    boolean pending() {
        return stores > 0;
    }

    /** {@code served} answered the request: each kept key now names it. */
    void served(Server served) {
        if (served != null) {
            for (int i = 0; i < stores; i++) {
                storeTables[i].storeServer(storeKeys[i], storeLengths[i], storeAddresses[i], served.position() + 1,
                        served.nameNumber());
            }
        }
        clear();
    }

    /** Forgets the kept keys (the request ended without an answer from a server). */
    void clear() {
        for (int i = 0; i < stores; i++) {
            storeTables[i] = null;
        }
        stores = 0;
    }

    /** The server of {@code backend} a match names, by name then by id, if it takes persistent requests. */
    private static Server usable(Backend backend, long match) {
        int name = StickTable.serverName(match);
        Server s = name != 0 ? backend.serverNamed(name) : null;
        if (s == null && StickTable.serverId(match) > 0) {
            s = backend.serverAt(StickTable.serverId(match) - 1);
        }
        return s != null && s.state().takesPersistentRequests() ? s : null;
    }

    private boolean storesIn(StickTable table) {
        for (int i = 0; i < stores; i++) {
            if (storeTables[i] == table) {
                return true;
            }
        }
        return false;
    }

    private byte[] storeKey(StickTable table) {
        byte[] k = storeKeys[stores];
        if (k == null || k.length < table.keyBytes()) {
            k = new byte[Math.max(16, table.keyBytes())];
            storeKeys[stores] = k;
        }
        return k;
    }

    private byte[] lookupKey(StickTable table) {
        if (lookupKey.length < table.keyBytes()) {
            lookupKey = new byte[table.keyBytes()];
        }
        return lookupKey;
    }
}
