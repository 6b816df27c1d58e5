package dev.sluice.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static dev.sluice.http.RuleRequests.acl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ConditionProperties {
    private static final int ACLS = 4;
    private static final Acl[] HEADER_PRESENT = new Acl[ACLS];

    static {
        for (int i = 0; i < ACLS; i++) {
            HEADER_PRESENT[i] = acl(Fetch.HDR, "h" + i, AclMatch.FOUND, false);
        }
    }

    /**
     * A condition as written: alternatives of terms; each term is {@code acl index * 2 + negated}.
     */
    @Provide
    Arbitrary<List<List<Integer>>> conditions() {
        return Arbitraries.integers().between(0, 2 * ACLS - 1).list().ofMinSize(1).ofMaxSize(4)
                .list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Boolean>> truths() {
        return Arbitraries.of(true, false).list().ofSize(ACLS);
    }

    private static Condition build(List<List<Integer>> alternatives, boolean unless) {
        Condition.Builder builder = new Condition.Builder();
        for (int i = 0; i < alternatives.size(); i++) {
            if (i > 0) {
                builder.or();
            }
            for (int term : alternatives.get(i)) {
                builder.term((term & 1) == 1, List.of(HEADER_PRESENT[term >> 1]));
            }
        }
        return builder.build(unless);
    }

    private static ParsedRequest request(List<Boolean> truths) {
        String[] lines = new String[2 + ACLS];
        lines[0] = "GET / HTTP/1.1";
        lines[1] = "Host: h";
        for (int i = 0; i < ACLS; i++) {
            lines[2 + i] = (truths.get(i) ? "H" : "X") + i + ": 1";
        }
        return RuleRequests.request("192.0.2.7", lines);
    }

    /** The reading of the written condition: OR of ANDs, AND binding tighter. */
    private static boolean expected(List<List<Integer>> alternatives, List<Boolean> truths) {
        return alternatives.stream().anyMatch(terms -> terms.stream()
                .allMatch(term -> truths.get(term >> 1) != ((term & 1) == 1)));
    }

    @Property
    void aConditionAndItsUnlessFormAreComplements(@ForAll("conditions") List<List<Integer>> condition,
            @ForAll("truths") List<Boolean> truths) {
        ParsedRequest request = request(truths);
        assertNotEquals(build(condition, false).test(request), build(condition, true).test(request));
    }

    @Property
    void aConditionIsAnOrOfAnds(@ForAll("conditions") List<List<Integer>> condition,
            @ForAll("truths") List<Boolean> truths) {
        assertEquals(expected(condition, truths), build(condition, false).test(request(truths)));
    }
}
