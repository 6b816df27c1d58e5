package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTargetTest {
    private static LogTarget parse(String line) throws LogConfigException {
        return LogTarget.parse(Arrays.asList(line.split(" ")));
    }

    @Test
    void anAddressWithoutPortIsUdpPort514WithHaproxysDefaults() throws Exception {
        LogTarget t = parse("127.0.0.1 local0");
        assertEquals(LogTarget.Kind.UDP, t.kind());
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 514), t.address());
        assertEquals(1024, t.maxLength());
        assertNull(t.format());
        assertEquals(LogFacility.LOCAL0, t.facility());
        assertEquals(LogLevel.DEBUG, t.maxLevel());
        assertEquals(LogLevel.EMERG, t.minLevel());
    }

    @Test
    void lengthFormatAndLevelsAreRead() throws Exception {
        LogTarget t = parse("127.0.0.1:5140 len 4096 format rfc5424 daemon notice warning");
        assertEquals(5140, t.address().getPort());
        assertEquals(4096, t.maxLength());
        assertEquals(SyslogFormat.RFC5424, t.format());
        assertEquals(LogFacility.DAEMON, t.facility());
        assertEquals(LogLevel.NOTICE, t.maxLevel());
        assertEquals(LogLevel.WARNING, t.minLevel());
        assertEquals(t, parse("127.0.0.1:5140 format rfc5424 len 4096 daemon notice warning"));
    }

    @Test
    void streamsPathsAndPrefixesNameTheirKind() throws Exception {
        assertEquals(LogTarget.Kind.STDOUT, parse("stdout format raw daemon").kind());
        assertEquals(LogTarget.Kind.STDOUT, parse("fd@1 daemon").kind());
        assertEquals(LogTarget.Kind.STDERR, parse("stderr format short daemon").kind());
        assertEquals(LogTarget.Kind.STDERR, parse("fd@2 daemon").kind());
        assertEquals("/dev/log", parse("/dev/log local0").path());
        assertEquals("/run/x.sock", parse("unix@/run/x.sock local0").path());
        assertEquals("/run/x.sock", parse("uxdg@/run/x.sock local0").path());
        assertEquals(5141, parse("udp@127.0.0.1:5141 local0").address().getPort());
        assertEquals(5142, parse("udp4@127.0.0.1:5142 local0").address().getPort());
    }

    @Test
    void ipv6TakesThePortAfterItsLastColon() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 5140), parse("::1:5140 local0").address());
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 514), parse("::1: local0").address());
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 5140), parse("[::1]:5140 local0").address());
    }

    @Test
    void theDefaultFormatIsLocalOrRfc3164WhenAHostNameIsSent() throws Exception {
        SyslogIdentity plain = new SyslogIdentity("sluice", 1, null);
        assertEquals(SyslogFormat.LOCAL, parse("127.0.0.1 local0").format(plain));
        assertEquals(SyslogFormat.RFC3164, parse("127.0.0.1 local0").format(plain.withHostname("h")));
        assertEquals(SyslogFormat.RAW, parse("127.0.0.1 format raw local0").format(plain.withHostname("h")));
    }

    @Test
    void badLinesAreRefusedWithTheirReason() {
        assertRefused("", "needs an address and a facility");
        assertRefused("127.0.0.1", "a facility is required");
        assertRefused("127.0.0.1 local9", "unknown facility 'local9'");
        assertRefused("127.0.0.1 local0 loud", "unknown level 'loud'");
        assertRefused("127.0.0.1 local0 info err extra", "unexpected 'extra'");
        assertRefused("127.0.0.1 len 79 local0", "len must be a number from 80 to 65535");
        assertRefused("127.0.0.1 len 65536 local0", "len must be a number from 80 to 65535");
        assertRefused("127.0.0.1 len local0", "len must be a number");
        assertRefused("127.0.0.1 format json local0", "unknown format 'json'");
        assertRefused("127.0.0.1 format", "'format' needs a value");
        assertRefused("127.0.0.1 sample 1:2 local0", "sample is not supported by Sluice");
        assertRefused("127.0.0.1:0 local0", "port must be a number from 1 to 65535");
        assertRefused("127.0.0.1:99999 local0", "port must be");
        assertRefused("ring@buf local0", "ring@ targets are not supported by Sluice");
        assertRefused("tcp@127.0.0.1:514 local0", "tcp@ targets are not supported by Sluice");
        assertRefused("fd@3 local0", "only fd@1 (stdout) and fd@2 (stderr)");
        assertRefused("foo@bar local0", "unknown address prefix 'foo@'");
        assertRefused("unix@ local0", "path is empty");
        assertRefused("no-such-host.invalid local0", "cannot resolve 'no-such-host.invalid'");
    }

    private static void assertRefused(String line, String reason) {
        LogConfigException e = assertThrows(LogConfigException.class,
                () -> LogTarget.parse(line.isEmpty() ? List.of() : Arrays.asList(line.split(" "))));
        assertTrue(e.getMessage().contains(reason), line + ": " + e.getMessage());
    }
}
