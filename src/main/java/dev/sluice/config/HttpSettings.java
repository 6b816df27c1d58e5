package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The mode http keywords' values in one proxy section while the file is read;
 * {@link #build()} makes the section's {@link HttpConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class HttpSettings {
    /** {@code acl} lines, in file order; a condition may name only the ones above it. */
    final List<AclSpec> acls = new ArrayList<>();
    final List<HttpRequestRule> httpRequestRules = new ArrayList<>();
    final List<UseBackend> useBackends = new ArrayList<>();
    boolean forwardFor;
    boolean httpClose;
    HttpReuse httpReuse = HttpReuse.SAFE;
    /** {@code max-body-size} in bytes; 0 when not set: no limit. */
    long maxBodySize;

    /**
     * Takes the values a defaults section set. Rules and ACLs stay behind: a
     * defaults section may not hold them.
     */
    void inherit(HttpSettings defaults) {
        forwardFor = defaults.forwardFor;
        httpClose = defaults.httpClose;
        httpReuse = defaults.httpReuse;
        maxBodySize = defaults.maxBodySize;
    }

    /** Every {@code acl} line of that name declared so far, in file order. */
    List<AclSpec> aclsNamed(String aclName) {
        return acls.stream().filter(acl -> acl.name().equals(aclName)).toList();
    }

    HttpConfig build() {
        return new HttpConfig(acls, httpRequestRules, useBackends, forwardFor, httpClose, httpReuse, maxBodySize);
    }
}
