package blocksim.drivers;

import blocksim.api.Profile;

/**
 * The drivers' era rules, chosen once at boot ({@link #of}); see {@code block.BlockRules} for why
 * the code asks a rule, not the profile. docs/profiles.md lists each ("Where the code asks").
 *
 * @param loopPartscanPerDevice 6.18 {@code drivers/block/loop.c}: partition scanning per device
 *                              ({@code LO_FLAGS_PARTSCAN}, forced by {@code max_part}), devices
 *                              without it suppressed ({@code GD_SUPPRESS_PART_SCAN}),
 *                              {@code loop_configure} bumps diskseq, applies the bdi limits and
 *                              logs the capacity change, {@code __loop_clr_fd} rescans through
 *                              {@code bdev_disk_changed}; 2.6.32: only the module's {@code max_part}
 *                              ({@code loop_set_fd}, BLKRRPART through {@code ioctl_by_bdev})
 * @param loopClrFdDefers       6.18 {@code loop_clr_fd} on a device others hold sets AUTOCLEAR and
 *                              returns 0; 2.6.32 answers EBUSY
 * @param loopConfigure         6.18 {@code drivers/block/loop.c}: LOOP_CONFIGURE, SET_DIRECT_IO and
 *                              SET_BLOCK_SIZE, the lazy LOOP_CLR_FD, the {@code loop/} sysfs group,
 *                              {@code /dev/loop-control}, SET_STATUS needing a write open or
 *                              CAP_SYS_ADMIN, encryption refused; 2.6.32 {@code loop_set_fd},
 *                              {@code lo_refcnt}, the XOR transfer, no sysfs group, no control device
 * @param sdExtDevt             2.6.32 {@code sd_probe_async} sets {@code GENHD_FL_EXT_DEVT} (256
 *                              partitions on 16 minors); 6.18 has no such flag: every disk may
 *                              have extended partitions
 */
public record DriverRules(boolean loopPartscanPerDevice, boolean loopClrFdDefers, boolean loopConfigure,
                          boolean sdExtDevt) {

    public static final DriverRules LINUX_2_6_32 = new DriverRules(false, false, false, true);
    public static final DriverRules LINUX_6_18 = new DriverRules(true, true, true, false);

    /** The rules of an era. */
    public static DriverRules of(Profile profile) {
        return switch (profile) {
            case LINUX_2_6_32 -> LINUX_2_6_32;
            case LINUX_6_18 -> LINUX_6_18;
        };
    }
}
