package blocksim.userland.tools;

import blocksim.api.DiskSpec;
import blocksim.api.SysResult;
import blocksim.userland.Proc;
import java.util.List;

/**
 * {@code disk add NAME SIZE [--sector-size 512|4096] [--ro] [--no-partscan]} and
 * {@code disk remove NAME}: the test harness's way to attach and detach disks. The name picks the
 * driver as in the kernel (sdX, vdX, loopN, pda-pdd); on the live kernel every disk is a loop device.
 */
public final class DiskTool {

    private DiskTool() {
    }

    /** Sizes: bytes with an optional unit (K/KiB, M/MiB, G/GiB, T/TiB, all powers of 1024). */
    public static long parseSize(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(|B|K|KiB|M|MiB|G|GiB|T|TiB)").matcher(s);
        if (!m.matches()) {
            return -1;
        }
        int shift = switch (m.group(2)) {
            case "K", "KiB" -> 10;
            case "M", "MiB" -> 20;
            case "G", "GiB" -> 30;
            case "T", "TiB" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static int run(Proc p) {
        List<String> a = p.args();
        if (a.isEmpty()) {
            return usage(p);
        }
        switch (a.getFirst()) {
            case "add" -> {
                return add(p, a.subList(1, a.size()));
            }
            case "remove" -> {
                if (a.size() != 2) {
                    return usage(p);
                }
                SysResult r = p.machine().diskRemove(a.get(1));
                if (r.isError()) {
                    p.error(a.get(1) + ": " + r.errno().strerror());
                    return 1;
                }
                return 0;
            }
            default -> {
                return usage(p);
            }
        }
    }

    private static int usage(Proc p) {
        p.err().println("Usage: disk add NAME SIZE [--sector-size 512|4096] [--scan-delay DURATION|MIN-MAX] [--ro]"
                + " [--no-partscan]");
        p.err().println("       disk remove NAME");
        return 2;
    }

    private static int add(Proc p, List<String> a) {
        if (a.size() < 2) {
            return usage(p);
        }
        String name = a.get(0);
        long size = parseSize(a.get(1));
        if (size <= 0) {
            p.error("invalid size '" + a.get(1) + "'");
            return 2;
        }
        int sectorSize = 512;
        long[] delay = {0, 0};
        boolean ro = false;
        boolean partscan = true;
        long[] geo = {0, 0, 0, 0};
        String vendor = null;
        String model = null;
        for (int i = 2; i < a.size(); i++) {
            String o = a.get(i);
            int gi = switch (o) {
                case "--physical-sector-size" -> 0;
                case "--alignment-offset" -> 1;
                case "--io-min" -> 2;
                case "--io-opt" -> 3;
                default -> -1;
            };
            if (gi >= 0) {
                long v = i + 1 < a.size() ? parseSize(a.get(i + 1)) : -1;
                if (v < 0 || v > Integer.MAX_VALUE) {
                    p.error(o + " takes a size in bytes");
                    return 2;
                }
                geo[gi] = v;
                i++;
                continue;
            }
            if (o.equals("--vendor") || o.equals("--model")) {
                if (i + 1 >= a.size()) {
                    p.error(o + " takes a string");
                    return 2;
                }
                if (o.equals("--vendor")) {
                    vendor = a.get(++i);
                } else {
                    model = a.get(++i);
                }
                continue;
            }
            switch (o) {
                case "--ro" -> ro = true;
                case "--no-partscan" -> partscan = false;
                case "--scan-delay" -> {
                    delay = i + 1 < a.size() ? blocksim.api.Durations.parseRange(a.get(i + 1)) : null;
                    if (delay == null) {
                        p.error("--scan-delay takes a duration (50ms, 2s) or a range (0-3s)");
                        return 2;
                    }
                    i++;
                }
                case "--sector-size" -> {
                    if (i + 1 >= a.size() || !(a.get(i + 1).equals("512") || a.get(i + 1).equals("4096"))) {
                        p.error("--sector-size takes 512 or 4096");
                        return 2;
                    }
                    sectorSize = Integer.parseInt(a.get(++i));
                }
                default -> {
                    p.error("unknown option '" + a.get(i) + "'");
                    return usage(p);
                }
            }
        }
        if (size % sectorSize != 0) {
            p.error("size " + size + " is not a multiple of the sector size " + sectorSize);
            return 2;
        }
        try {
            int phys = geo[0] == 0 ? sectorSize : (int) geo[0];
            DiskSpec.Geometry g = new DiskSpec.Geometry(phys, (int) geo[1], geo[2] == 0 ? phys : (int) geo[2], (int) geo[3],
                    vendor, model);
            p.machine().diskAdd(new DiskSpec(name, size, sectorSize, ro, partscan, delay[0], delay[1], g));
        } catch (IllegalArgumentException e) {
            p.err().println(e.getMessage());
            return 1;
        }
        return 0;
    }
}
