package dev.sluice.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerState;
import dev.sluice.backend.ServerStateListener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The stats page's forms without a proxy: how a posted body is decoded, which
 * backend {@code b} names, what {@code stats scope} hides, what each action
 * does to a server, and which code the outcome gets.
 */
class StatsAdminTest {
    private final Server a = new Server("a", new InetSocketAddress("127.0.0.1", 1), 0, 0);
    private final Server b = new Server("b", new InetSocketAddress("127.0.0.1", 2), 0, 0);
    private final Backend app = new Backend("app", List.of(a, b), BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT,
            ServerStateListener.NONE);
    private final Backend other = new Backend("other", List.of(new Server("a", new InetSocketAddress("127.0.0.1", 3),
            0, 0)), BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT, ServerStateListener.NONE);
    private final ProcessView view = new ProcessView(0, "node", "test").backend(app).backend(other);
    private final List<Server> shutDown = new ArrayList<>();

    private StatsAdmin.Status post(String body) {
        return StatsAdmin.apply(body, view, false, name -> true, s -> shutDown.add(s));
    }

    @Test
    void theAdministrativeActionsChangeTheStateTheyName() {
        assertEquals(StatsAdmin.Status.DONE, post("s=a&s=b&action=maint&b=app"));
        assertEquals(ServerState.MAINT, a.state());
        assertEquals(ServerState.MAINT, b.state());
        assertEquals(StatsAdmin.Status.DONE, post("s=a&action=drain&b=app"));
        assertEquals(ServerState.DRAIN, a.state());
        assertEquals(StatsAdmin.Status.DONE, post("s=a&s=b&action=ready&b=app"));
        assertEquals(ServerState.UP, a.state());
        assertEquals(ServerState.UP, b.state());
        // The other backend's server of the same name is not touched.
        assertEquals(ServerState.UP, other.servers().get(0).state());
    }

    @Test
    void shutdownAsksTheLoopsToEndTheServersSessions() {
        assertEquals(StatsAdmin.Status.DONE, post("s=b&action=shutdown&b=app"));
        assertEquals(List.of(b), shutDown);
        // A loop that could not take the work: named, not changed.
        assertEquals(StatsAdmin.Status.ERRP, StatsAdmin.apply("s=b&action=shutdown&b=app", view, false, n -> true,
                s -> false));
    }

    @Test
    void healthAndAgentActionsCountNothingOnServersWithoutACheckOrAnAgent() {
        // No server here has a check, and none has an agent: nothing counts, as HAProxy counts nothing.
        for (String action : List.of("dhlth", "ehlth", "hrunn", "hnolb", "hdown", "dagent", "eagent", "arunn",
                "adown")) {
            assertEquals(StatsAdmin.Status.NONE, post("s=a&action=" + action + "&b=app"), action);
        }
        assertEquals(ServerState.UP, a.state());
    }

    @Test
    void theCodesSayHowManyOfTheNamedServersChanged() {
        assertEquals(StatsAdmin.Status.PART, post("s=a&s=zz&action=maint&b=app"));
        assertEquals(StatsAdmin.Status.ERRP, post("s=zz&action=maint&b=app"));
        assertEquals(StatsAdmin.Status.NONE, post("action=maint&b=app"));
        assertEquals(StatsAdmin.Status.NONE, post("s=a&action=maint"));
        assertEquals(StatsAdmin.Status.NONE, post(""));
        assertEquals(StatsAdmin.Status.ERRP, post("s=a&action=explode&b=app"));
        assertEquals(StatsAdmin.Status.ERRP, post("s=a&action=maint&b=nope"));
        assertEquals(StatsAdmin.Status.ERRP, post("s=a&action=maint&b=%zz"));
        // The old names count only a change: a second 'disable' changes nothing.
        assertEquals(StatsAdmin.Status.DONE, post("s=b&action=disable&b=app"));
        assertEquals(StatsAdmin.Status.NONE, post("s=b&action=disable&b=app"));
        assertEquals(StatsAdmin.Status.DONE, post("s=b&action=enable&b=app"));
        assertEquals(StatsAdmin.Status.NONE, post("s=b&action=start&b=app"));
    }

    @Test
    void bNamesABackendByNameOrByItsCsvNumber() {
        view.frontend(new StatCsv.Frontend("front", "http", new dev.sluice.session.ConnectionLimit("front", 10),
                dev.sluice.session.FrontendRequests.NONE));
        // One frontend: the backends are #2 and #3, as in the CSV's iid.
        assertEquals(StatsAdmin.Status.DONE, post("s=a&action=maint&b=%233"));
        assertEquals(ServerState.MAINT, other.servers().get(0).state());
        assertEquals(ServerState.UP, a.state());
        assertEquals(StatsAdmin.Status.DONE, post("s=a&action=maint&b=#2"));
        assertEquals(ServerState.MAINT, a.state());
        assertEquals(StatsAdmin.Status.ERRP, post("s=a&action=maint&b=%239"));
    }

    @Test
    void underStatsScopeABackendOutOfScopeIsDeniedWhetherItExistsOrNot() {
        Set<String> scope = Set.of("app");
        assertEquals(StatsAdmin.Status.DENY, StatsAdmin.apply("s=a&action=maint&b=other", view, true,
                scope::contains, s -> true));
        assertEquals(StatsAdmin.Status.DENY, StatsAdmin.apply("s=a&action=maint&b=ghost", view, true,
                scope::contains, s -> true));
        assertEquals(ServerState.UP, other.servers().get(0).state());
        assertEquals(StatsAdmin.Status.DONE, StatsAdmin.apply("s=a&action=maint&b=app", view, true,
                scope::contains, s -> true));
    }

    @Test
    void formFieldsDecodeAsBrowsersEncodeThem() {
        assertEquals("a b/c", StatsAdmin.decode("a+b%2Fc"));
        assertEquals("é", StatsAdmin.decode("%C3%A9"));
        assertNull(StatsAdmin.decode("%4"));
        assertNull(StatsAdmin.decode("%g1"));
        assertEquals(StatsAdmin.Status.DONE, StatsAdmin.shown(";st=DONE;norefresh"));
        assertEquals(StatsAdmin.Status.UNKN, StatsAdmin.shown(";st=WHAT"));
        assertNull(StatsAdmin.shown(";csv"));
    }
}
