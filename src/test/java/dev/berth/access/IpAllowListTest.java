package dev.berth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** One line per case: entry, address, allowed. */
class IpAllowListTest {
    private static boolean allows(String entry, String address) throws Exception {
        return IpAllowList.parse(List.of(entry)).allows(InetAddress.getByName(address));
    }

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource({
        "192.0.2.7,          192.0.2.7,        true",
        "192.0.2.7,          192.0.2.8,        false",
        "192.0.2.7/32,       192.0.2.7,        true",
        "10.1.2.0/24,        10.1.2.0,         true",
        "10.1.2.0/24,        10.1.2.255,       true",
        "10.1.2.0/24,        10.1.3.0,         false",
        "10.1.2.0/24,        10.1.1.255,       false",
        "10.1.2.0/23,        10.1.3.200,       true",
        "10.1.2.0/23,        10.1.4.0,         false",
        "10.1.2.128/25,      10.1.2.127,       false",
        "10.1.2.128/25,      10.1.2.128,       true",
        "10.1.2.6/31,        10.1.2.7,         true",
        "10.1.2.6/31,        10.1.2.8,         false",
        "10.0.0.0/8,         10.255.255.255,   true",
        "10.0.0.0/8,         11.0.0.0,         false",
        "0.0.0.0/0,          203.0.113.9,      true",
        "0.0.0.0/0,          2001:db8::1,      false",
        "10.0.0.0/8,         ::ffff:10.9.8.7,  true",
        "::ffff:10.0.0.0/104, 10.9.8.7,        true",
        "::ffff:10.0.0.0/104, 11.9.8.7,        false",
        "10.0.0.0/8,         ::a09:807,        false",
        "2001:db8::/32,      2001:db8:ffff:ffff::1, true",
        "2001:db8::/32,      2001:db9::,       false",
        "2001:db8::/32,      2001:db7:ffff::,  false",
        "2001:DB8::/32,      2001:db8::1,      true",
        "2001:db8::1,        2001:db8::1,      true",
        "2001:db8::1,        2001:db8::2,      false",
        "2001:db8::/127,     2001:db8::1,      true",
        "2001:db8::/127,     2001:db8::2,      false",
        "2001:db8:0:0:8000::/65, 2001:db8::8000:0:0:1, true",
        "2001:db8:0:0:8000::/65, 2001:db8::7fff:0:0:1, false",
        "::1,                ::1,              true",
        "::1,                127.0.0.1,        false",
        "127.0.0.1,          ::1,              false",
        "::/0,               2001:db8::1,      true",
        "::/0,               192.0.2.1,        true",
    })
    void matches(String entry, String address, boolean allowed) throws Exception {
        assertEquals(allowed, allows(entry, address));
    }

    @Test void anIpv6SocketAddressHoldingAnIpv4MappedOneIsMatchedAsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        InetAddress a = Inet6Address.getByAddress(null, mapped, -1); // an Inet6Address, not converted
        assertEquals(true, IpAllowList.parse(List.of("10.0.0.0/8")).allows(a));
    }

    @Test void anyEntryOfSeveralAllows() throws Exception {
        IpAllowList list = IpAllowList.parse(List.of("10.0.0.0/8", " 192.0.2.7 ", "2001:db8::/32"));
        assertEquals(true, list.allows(InetAddress.getByName("192.0.2.7")));
        assertEquals(true, list.allows(InetAddress.getByName("2001:db8::5")));
        assertEquals(false, list.allows(InetAddress.getByName("192.0.2.8")));
        assertEquals(List.of("10.0.0.0/8", " 192.0.2.7 ", "2001:db8::/32"), list.entries());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33        | \"10.0.0.0/33\": the prefix after / must be a number from 0 to 32",
        "10.0.0.0/-1        | \"10.0.0.0/-1\": the prefix after / must be a number from 0 to 32",
        "10.0.0.0/          | \"10.0.0.0/\": the prefix after / must be a number from 0 to 32",
        "10.0.0.0/08        | \"10.0.0.0/08\": the prefix after / must be a number from 0 to 32",
        "10.0.0.0/8/9       | \"10.0.0.0/8/9\": the prefix after / must be a number from 0 to 32",
        "2001:db8::/129     | \"2001:db8::/129\": the prefix after / must be a number from 0 to 128",
        "10.0.0.1/8         | \"10.0.0.1/8\": bits are set after the /8 prefix; the block is 10.0.0.0/8",
        "192.168.1.77/24    | \"192.168.1.77/24\": bits are set after the /24 prefix; the block is 192.168.1.0/24",
        "2001:db8::1/32     | \"2001:db8::1/32\": bits are set after the /32 prefix; the block is 2001:db8:0:0:0:0:0:0/32",
        "::ffff:10.0.0.1/104 | \"::ffff:10.0.0.1/104\": bits are set after the /104 prefix; the block is ::ffff:10.0.0.0/104",
        "256.1.1.1          | \"256.1.1.1\": not an IPv4 or IPv6 address (host names are not accepted)",
        "10.1               | \"10.1\": not an IPv4 or IPv6 address (host names are not accepted)",
        "010.0.0.1          | \"010.0.0.1\": not an IPv4 or IPv6 address (host names are not accepted)",
        "1.2.3.4.5          | \"1.2.3.4.5\": not an IPv4 or IPv6 address (host names are not accepted)",
        "localhost          | \"localhost\": not an IPv4 or IPv6 address (host names are not accepted)",
        "example.com/24     | \"example.com/24\": not an IPv4 or IPv6 address (host names are not accepted)",
        "0x7f.0.0.1         | \"0x7f.0.0.1\": not an IPv4 or IPv6 address (host names are not accepted)",
        "fe80::1%eth0       | \"fe80::1%eth0\": not an IPv6 address (zone ids like %eth0 are not accepted)",
        ":::                | \":::\": not an IPv6 address",
        "2001:db8::g        | \"2001:db8::g\": not an IPv6 address",
        "[::1]              | \"[::1]\": not an IPv6 address",
        "1:2:3:4:5:6:7:8:9  | \"1:2:3:4:5:6:7:8:9\": not an IPv6 address",
    })
    void aBadEntryIsNamedWithWhatIsWrong(String entry, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAllowList.parse(List.of(entry)));
        assertEquals("bad allow-list entry " + message, e.getMessage());
    }

    @Test void everyBadEntryIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpAllowList.parse(List.of("10.0.0.0/8", "nope", "", "10.0.0.0/40")));
        assertEquals("bad allow-list entries \"nope\": not an IPv4 or IPv6 address (host names are not accepted); \"\": empty; "
                + "\"10.0.0.0/40\": the prefix after / must be a number from 0 to 32", e.getMessage());
    }

    @Test void anEmptyListIsRefusedRatherThanRefusingEveryone() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAllowList.parse(List.of()));
        assertEquals("an allow-list needs at least one address or CIDR block (leave it out to allow any address)", e.getMessage());
    }
}
