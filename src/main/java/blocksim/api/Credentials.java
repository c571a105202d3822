package blocksim.api;

/**
 * Who makes a system call: a uid and whether it holds CAP_SYS_ADMIN, the only capability the block
 * layer tests ({@code capable(CAP_SYS_ADMIN)}).
 */
public record Credentials(String user, int uid, int gid, boolean capSysAdmin) {

    /** root with every capability. */
    public static final Credentials ROOT = new Credentials("root", 0, 0, true);
    /** nobody (65534), no capabilities. */
    public static final Credentials NOBODY = new Credentials("nobody", 65534, 65534, false);

    public boolean isRoot() {
        return uid == 0;
    }
}
