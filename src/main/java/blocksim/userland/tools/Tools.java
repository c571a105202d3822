package blocksim.userland.tools;

import blocksim.userland.JobTools;
import blocksim.userland.Tool;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Every command a transcript can run, by name. Later parts add theirs to the same registry. */
public final class Tools {

    private Tools() {
    }

    /** The standard set. */
    public static Map<String, Tool> standard() {
        Map<String, Tool> t = new TreeMap<>();
        t.put("echo", TextTools::echo);
        t.put("cat", TextTools::cat);
        t.put("grep", TextTools::grep);
        t.put("head", p -> TextTools.headTail(p, true));
        t.put("tail", p -> TextTools.headTail(p, false));
        t.put("ls", FileTools::ls);
        t.put("mkdir", FileTools::mkdir);
        t.put("rm", FileTools::rm);
        t.put("sync", MountTools::sync);
        t.put("touch", FileTools::touch);
        t.put("rmdir", FileTools::rmdir);
        t.put("truncate", FileTools::truncate);
        t.put("fallocate", FileTools::fallocate);
        t.put("cp", FileTools::cp);
        t.put("mv", FileTools::mv);
        t.put("stat", FileTools::stat);
        t.put("mount", MountTools::mount);
        t.put("umount", MountTools::umount);
        t.put("fsfreeze", MountTools::fsfreeze);
        t.put("mkfs", Mke2fs::mkfs);
        t.put("fsfreez", Programs::fsfreez);
        t.put("abuse-serve", AbuseTools::serve);
        t.put("abusectl", AbuseTools::ctl);
        t.put("mke2fs", p -> Mke2fs.mkfsExt(p, blocksim.uapi.ExtLayout.Kind.EXT2));
        t.put("mkfs.ext2", p -> Mke2fs.mkfsExt(p, blocksim.uapi.ExtLayout.Kind.EXT2));
        t.put("mkfs.ext3", p -> Mke2fs.mkfsExt(p, blocksim.uapi.ExtLayout.Kind.EXT3));
        t.put("mkfs.ext4", p -> Mke2fs.mkfsExt(p, blocksim.uapi.ExtLayout.Kind.EXT4));
        t.put("true", p -> 0);
        t.put("false", p -> 1);
        t.put("sleep", JobTools::sleep);
        t.put("jobs", JobTools::jobs);
        t.put("wait", JobTools::waitJob);
        t.put("kill", JobTools::kill);
        t.put("dmesg", p -> {
            p.out().print(p.machine().dmesg());
            return 0;
        });
        t.put("hexdump", Hexdump::run);
        t.put("dd", Dd::run);
        t.put("blockdev", BlockTools::blockdev);
        t.put("addpart", BlockTools::addpart);
        t.put("delpart", BlockTools::delpart);
        t.put("resizepart", BlockTools::resizepart);
        t.put("partx", Partx::run);
        t.put("losetup", Losetup::run);
        t.put("sfdisk", Sfdisk::run);
        t.put("disk", DiskTool::run);
        t.put("insmod", ModuleTools::insmod);
        t.put("rmmod", ModuleTools::rmmod);
        t.put("udevadm", ModuleTools::udevadm);
        t.put("pvcreate", Lvm::pvcreate);
        t.put("vgcreate", Lvm::vgcreate);
        t.put("vgscan", Lvm::vgscan);
        return Collections.unmodifiableMap(t);
    }
}
