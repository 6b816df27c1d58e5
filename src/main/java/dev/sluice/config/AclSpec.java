package dev.sluice.config;

import dev.sluice.http.AclMatch;
import dev.sluice.http.Fetch;
import java.util.List;
import java.util.Objects;

/**
 * One {@code acl} line, or one anonymous ACL written in braces inside a condition.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param name the ACL's name; for an anonymous ACL, its text in braces ({@code { path_beg /api }})
 * @param header the header name of {@code hdr(NAME)}, else null
 * @param match how values are compared ({@code path_beg} is {@link Fetch#PATH} with {@link AclMatch#BEG})
 * @param ignoreCase {@code -i}: ASCII letters compare without case
 * @param values the values, any of which may match; none for {@link AclMatch#FOUND}
 * @param line the line the ACL is written on
 */
public record AclSpec(String name, Fetch fetch, String header, AclMatch match, boolean ignoreCase,
        List<String> values, int line) {
    public AclSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(match, "match");
        values = List.copyOf(values);
    }
}
