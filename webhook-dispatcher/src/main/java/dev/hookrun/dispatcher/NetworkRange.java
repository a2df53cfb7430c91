package dev.hookrun.dispatcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** One CIDR block, IPv4 or IPv6 (a bare address is a block of one). */
public record NetworkRange(String cidr, byte[] network, int prefixLength) {

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  /**
   * @throws IllegalArgumentException when {@code text} is not a CIDR block
   */
  public static NetworkRange parse(String text) {
    String cidr = text.trim();
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    // only literals: a host name here would mean a DNS lookup at start and a silent surprise later
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      throw new IllegalArgumentException(
          "'" + cidr + "' is not a CIDR block (e.g. 10.0.0.0/8, fd00::/8)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "'" + cidr + "' is not a CIDR block (e.g. 10.0.0.0/8, fd00::/8)");
    }
    if (address.contains(":") && bytes.length == 4) {
      throw new IllegalArgumentException("'" + cidr + "': write an IPv4-mapped block in IPv4 form");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0.." + bits);
      }
    }
    return new NetworkRange(cidr, mask(bytes, prefix), prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  @Override
  public String toString() {
    return cidr;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkRange other && other.cidr.equals(cidr);
  }

  @Override
  public int hashCode() {
    return cidr.hashCode();
  }
}
