package blocksim.fs;

import blocksim.api.Errno;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A path as the kernel receives it, before the walk: {@code fs/namei.c:getname} copies a C string
 * (so a Java string ends at its first NUL, as the same bytes would for a C caller), an empty one is
 * ENOENT and one of PATH_MAX (4096) bytes or more is ENAMETOOLONG. The components are kept as
 * written, {@code .} and {@code ..} included, because the walk resolves them one at a time
 * ({@code link_path_walk}): {@code /dev/sda/..} is ENOTDIR, not {@code /dev}. A trailing slash
 * asks for a directory ({@code /dev/sda/} is ENOTDIR).
 *
 * @param components    the names between slashes, none empty
 * @param trailingSlash whether the path ends with a slash after a name
 * @param errno         set when getname refused the path; then the rest is empty
 */
public record PathName(List<String> components, boolean trailingSlash, Errno errno) {

    public static final int PATH_MAX = 4096;
    public static final int NAME_MAX = 255;

    /** What the kernel sees of {@code path}. */
    public static PathName of(String path) {
        String c = cString(path);
        if (c.isEmpty()) {
            return new PathName(List.of(), false, Errno.ENOENT);
        }
        if (c.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            return new PathName(List.of(), false, Errno.ENAMETOOLONG);
        }
        List<String> parts = new ArrayList<>();
        for (String part : c.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return new PathName(List.copyOf(parts), c.endsWith("/") && !parts.isEmpty(), null);
    }

    /** The string up to its first NUL, which is all a C string holds. */
    public static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** Whether a component is over NAME_MAX bytes. */
    public static boolean tooLong(String component) {
        return component.length() > NAME_MAX / 3 && component.getBytes(StandardCharsets.UTF_8).length > NAME_MAX;
    }

    public boolean failed() {
        return errno != null;
    }
}
