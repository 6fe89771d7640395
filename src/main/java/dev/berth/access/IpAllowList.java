package dev.berth.access;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The addresses a listener answers: IPv4 and IPv6 addresses and CIDR blocks ("10.0.0.0/8",
 * "2001:db8::/32", "192.0.2.7"). Written by hand: no library on the classpath matches CIDRs
 * (Bouncy Castle's IPAddress only checks the spelling), and it is a comparison of prefix bits.
 *
 * <p>IPv4 is compared in its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so "10.0.0.0/8" and
 * "::ffff:10.0.0.0/104" are the same block, a client reaching a dual-stack socket over IPv4 is
 * matched by its IPv4 entries, and "::/0" allows every address. Entries are literals only: a
 * host name is refused, never looked up.
 */
public final class IpAllowList {
    private final List<Block> blocks;

    /** One entry: its text, its network in 16 bytes, and how many leading bits must match. */
    private record Block(String entry, byte[] network, int bits) {
        boolean contains(byte[] address) {
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) if (address[i] != network[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private IpAllowList(List<Block> blocks) {
        this.blocks = blocks;
    }

    /**
     * The list the entries make; IllegalArgumentException naming every bad entry and what is wrong
     * with it (all of them at once). An empty list is refused: it would refuse everyone.
     */
    public static IpAllowList parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException("an allow-list needs at least one address or CIDR block (leave it out to allow any address)");
        }
        List<Block> blocks = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String e : entries) {
            try {
                blocks.add(block(e));
            } catch (IllegalArgumentException bad) {
                problems.add(bad.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("bad allow-list " + (problems.size() == 1 ? "entry " : "entries ") + String.join("; ", problems));
        return new IpAllowList(List.copyOf(blocks));
    }

    /** Whether the address is in one of the blocks. */
    public boolean allows(InetAddress address) {
        byte[] a = sixteen(address);
        for (Block b : blocks) if (b.contains(a)) return true;
        return false;
    }

    /** The entries as given. */
    public List<String> entries() {
        return blocks.stream().map(Block::entry).toList();
    }

    @Override public String toString() {
        return "IpAllowList" + entries();
    }

    private static Block block(String entry) {
        String shown = entry == null ? "(none)" : "\"" + entry + "\"";
        String e = entry == null ? "" : entry.strip();
        if (e.isEmpty()) throw new IllegalArgumentException(shown + ": empty");
        int slash = e.indexOf('/');
        String addressText = slash < 0 ? e : e.substring(0, slash);
        boolean v6 = addressText.indexOf(':') >= 0;
        byte[] address = v6 ? ipv6(addressText, shown) : ipv4(addressText, shown);
        int most = v6 ? 128 : 32;
        int prefix = most;
        if (slash >= 0) {
            String p = e.substring(slash + 1);
            prefix = p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || p.length() > 1 && p.charAt(0) == '0' ? -1 : Integer.parseInt(p);
            if (prefix < 0 || prefix > most) {
                throw new IllegalArgumentException(shown + ": the prefix after / must be a number from 0 to " + most);
            }
        }
        int bits = v6 ? prefix : prefix + 96;
        byte[] network = masked(address, bits);
        if (!Arrays.equals(network, address)) {
            throw new IllegalArgumentException(shown + ": bits are set after the /" + prefix + " prefix; the block is "
                    + text(network, v6) + "/" + prefix);
        }
        return new Block(entry, address, bits);
    }

    /** Dotted quad, strictly: four numbers 0-255 without leading zeros (no "10.1", no "010.0.0.1"). */
    private static byte[] ipv4(String s, String shown) {
        String[] parts = s.split("\\.", -1);
        byte[] out = new byte[4];
        boolean ok = parts.length == 4;
        for (int i = 0; ok && i < 4; i++) {
            String p = parts[i];
            ok = !p.isEmpty() && p.length() <= 3 && p.chars().allMatch(c -> c >= '0' && c <= '9') && (p.length() == 1 || p.charAt(0) != '0');
            if (ok) {
                int v = Integer.parseInt(p);
                ok = v <= 255;
                out[i] = (byte) v;
            }
        }
        if (!ok) throw new IllegalArgumentException(shown + ": not an IPv4 or IPv6 address (host names are not accepted)");
        return mapped(out);
    }

    /** An IPv6 literal; with a ':' in it the JDK parses it as one and never resolves it. */
    private static byte[] ipv6(String s, String shown) {
        if (s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            try {
                return sixteen(InetAddress.getByName(s));
            } catch (UnknownHostException e) {
                // refused below
            }
        }
        throw new IllegalArgumentException(shown + ": not an IPv6 address" + (s.indexOf('%') >= 0 ? " (zone ids like %eth0 are not accepted)" : ""));
    }

    private static byte[] sixteen(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address ? mapped(b) : b;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }

    private static byte[] masked(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < 16; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    /** How the network is shown in a message: as it was written, IPv4 or IPv6 (IPv4-mapped as ::ffff:a.b.c.d). */
    private static String text(byte[] sixteen, boolean v6) {
        try {
            InetAddress a = InetAddress.getByAddress(sixteen); // the JDK makes a mapped address an Inet4Address
            if (a instanceof Inet4Address) return (v6 ? "::ffff:" : "") + a.getHostAddress();
            return a.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }
}
