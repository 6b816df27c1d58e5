package dev.sluice.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Locale;

import static dev.sluice.http.RuleRequests.acl;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AclProperties {
    @Provide
    Arbitrary<String> pieces() {
        // Few distinct characters, so that prefixes, suffixes and inner matches happen often.
        return Arbitraries.strings().withChars("aAbB/.-").ofMinLength(0).ofMaxLength(6);
    }

    @Provide
    Arbitrary<AclMatch> textMatches() {
        return Arbitraries.of(AclMatch.STR, AclMatch.BEG, AclMatch.END, AclMatch.SUB);
    }

    /** What the match means, said with String methods. */
    private static boolean reference(AclMatch match, String text, String value) {
        return switch (match) {
            case STR -> text.equals(value);
            case BEG -> text.startsWith(value);
            case END -> text.endsWith(value);
            case SUB -> text.contains(value);
            default -> throw new IllegalArgumentException(match.name());
        };
    }

    @Property
    void pathMatchingInPlaceAgreesWithStringMatching(@ForAll("pieces") String path, @ForAll("pieces") String value,
            @ForAll("textMatches") AclMatch match, @ForAll boolean ignoreCase, @ForAll("pieces") String query) {
        String fullPath = "/" + path;
        ParsedRequest request = RuleRequests.get(fullPath + "?" + query, "h");
        boolean expected = ignoreCase
                ? reference(match, fullPath.toLowerCase(Locale.ROOT), value.toLowerCase(Locale.ROOT))
                : reference(match, fullPath, value);
        assertEquals(expected, acl(Fetch.PATH, null, match, ignoreCase, value).matches(request));
    }

    @Property
    void headerMatchingInPlaceAgreesWithStringMatchingOnTheTrimmedValue(@ForAll("pieces") String header,
            @ForAll("pieces") String value, @ForAll("textMatches") AclMatch match) {
        ParsedRequest request = RuleRequests.request("192.0.2.7", "GET / HTTP/1.1", "Host: h", "X-T:  " + header + " ");
        assertEquals(reference(match, header, value), acl(Fetch.HDR, "x-t", match, false, value).matches(request));
    }
}
