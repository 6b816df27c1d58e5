package dev.sluice.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.sluice.http.RuleRequests.acl;
import static dev.sluice.http.RuleRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truth tables of conditions over three ACLs a, b, c, each made true or false by the request. */
class ConditionTest {
    private static final Acl A = acl(Fetch.HDR, "a", AclMatch.FOUND, false);
    private static final Acl B = acl(Fetch.HDR, "b", AclMatch.FOUND, false);
    private static final Acl C = acl(Fetch.HDR, "c", AclMatch.FOUND, false);

    /** A request for which a, b and c hold as the three flags say. */
    private static ParsedRequest with(boolean a, boolean b, boolean c) {
        return RuleRequests.request("192.0.2.7", "GET / HTTP/1.1", "Host: h", a ? "A: 1" : "X: 1", b ? "B: 1" : "X: 2",
                c ? "C: 1" : "X: 3");
    }

    private static Condition.Builder builder() {
        return new Condition.Builder();
    }

    @ParameterizedTest(name = "a={0} b={1} c={2}")
    @CsvSource({
        "false, false, false", "false, false, true", "false, true, false", "false, true, true",
        "true, false, false", "true, false, true", "true, true, false", "true, true, true",
    })
    void andBindsTighterThanOrAndNegationAppliesToOneTerm(boolean a, boolean b, boolean c) {
        ParsedRequest request = with(a, b, c);
        // if a b || c
        Condition andThenOr = builder().term(false, List.of(A)).term(false, List.of(B)).or()
                .term(false, List.of(C)).build(false);
        assertEquals((a && b) || c, andThenOr.test(request));
        // if a || b c
        Condition orThenAnd = builder().term(false, List.of(A)).or().term(false, List.of(B))
                .term(false, List.of(C)).build(false);
        assertEquals(a || (b && c), orThenAnd.test(request));
        // if !a b
        Condition negated = builder().term(true, List.of(A)).term(false, List.of(B)).build(false);
        assertEquals(!a && b, negated.test(request));
        // unless a || !c
        Condition unless = builder().term(false, List.of(A)).or().term(true, List.of(C)).build(true);
        assertEquals(!(a || !c), unless.test(request));
        // if x, where x names two acl lines (a and c): any of them
        Condition sameName = builder().term(false, List.of(A, C)).build(false);
        assertEquals(a || c, sameName.test(request));
        // if !x: none of them
        Condition sameNameNegated = builder().term(true, List.of(A, C)).build(false);
        assertEquals(!(a || c), sameNameNegated.test(request));
    }

    @Test
    void aRuleWithoutConditionAlwaysApplies() {
        assertTrue(Condition.always().test(get("/", "h")));
        assertFalse(builder().build(true).test(get("/", "h")));
    }

    @Test
    void anEmptyAlternativeIsRefused() {
        assertThrows(IllegalStateException.class, () -> builder().or());
        assertThrows(IllegalStateException.class, () -> builder().term(false, List.of(A)).or().build(false));
        assertThrows(IllegalArgumentException.class, () -> builder().term(false, List.of()));
    }
}
