package dev.sluice.stick;

/**
 * The key an address table makes of a client address: an ip table keys IPv4
 * addresses (an IPv4-mapped IPv6 address as its IPv4 one), an ipv6 table keys
 * IPv6 addresses (an IPv4 address as its IPv4-mapped one).
 *
 * <p>Stateless; writes only into the caller's array.
 */
final class AddressKeys {
    private AddressKeys() {
    }

    /**
     * Writes the key of {@code address}'s first {@code length} bytes into
     * {@code into} (at least 16 bytes): its length, or -1 when the address
     * makes no key of the table (empty, or a true IPv6 address into an ip table).
     */
    static int write(boolean ipv4Table, byte[] address, int length, byte[] into) {
        if (ipv4Table) {
            if (length == 4) {
                System.arraycopy(address, 0, into, 0, 4);
                return 4;
            }
            if (length == 16 && mapped(address)) {
                System.arraycopy(address, 12, into, 0, 4);
                return 4;
            }
            return -1;
        }
        if (length == 16) {
            System.arraycopy(address, 0, into, 0, 16);
            return 16;
        }
        if (length == 4) {
            java.util.Arrays.fill(into, 0, 10, (byte) 0);
            into[10] = (byte) 0xff;
            into[11] = (byte) 0xff;
            System.arraycopy(address, 0, into, 12, 4);
            return 16;
        }
        return -1;
    }

    private static boolean mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
