package blocksim.userland.tools;

import java.util.List;
import java.util.Locale;

/**
 * libfdisk's partition types (2.38.1, as {@code sfdisk --label dos|gpt --list-types} prints them),
 * the script shortcuts and aliases, and the parsing order sfdisk scripts use
 * ({@code fdisk_label_advparse_parttype} with alias, shortcut, name, then data).
 */
public final class FdiskTypes {

    private FdiskTypes() {
    }

    /** A partition type as libfdisk carries it: an MBR code or a GPT type string, and a name. */
    public record Type(int code, String typestr, String name, boolean unknown) {
    }

    private record GptType(String guid, String name) {
    }

    private record Shortcut(String shortcut, String alias, String data) {
    }

    private static Type entry(int code, String name) {
        return new Type(code, null, name, false);
    }

    /** The MBR types, in libfdisk's order. */
    public static final List<Type> DOS = List.of(
            entry(0x0, "Empty"),
            entry(0x1, "FAT12"),
            entry(0x2, "XENIX root"),
            entry(0x3, "XENIX usr"),
            entry(0x4, "FAT16 <32M"),
            entry(0x5, "Extended"),
            entry(0x6, "FAT16"),
            entry(0x7, "HPFS/NTFS/exFAT"),
            entry(0x8, "AIX"),
            entry(0x9, "AIX bootable"),
            entry(0xa, "OS/2 Boot Manager"),
            entry(0xb, "W95 FAT32"),
            entry(0xc, "W95 FAT32 (LBA)"),
            entry(0xe, "W95 FAT16 (LBA)"),
            entry(0xf, "W95 Ext'd (LBA)"),
            entry(0x10, "OPUS"),
            entry(0x11, "Hidden FAT12"),
            entry(0x12, "Compaq diagnostics"),
            entry(0x14, "Hidden FAT16 <32M"),
            entry(0x16, "Hidden FAT16"),
            entry(0x17, "Hidden HPFS/NTFS"),
            entry(0x18, "AST SmartSleep"),
            entry(0x1b, "Hidden W95 FAT32"),
            entry(0x1c, "Hidden W95 FAT32 (LBA)"),
            entry(0x1e, "Hidden W95 FAT16 (LBA)"),
            entry(0x24, "NEC DOS"),
            entry(0x27, "Hidden NTFS WinRE"),
            entry(0x39, "Plan 9"),
            entry(0x3c, "PartitionMagic recovery"),
            entry(0x40, "Venix 80286"),
            entry(0x41, "PPC PReP Boot"),
            entry(0x42, "SFS"),
            entry(0x4d, "QNX4.x"),
            entry(0x4e, "QNX4.x 2nd part"),
            entry(0x4f, "QNX4.x 3rd part"),
            entry(0x50, "OnTrack DM"),
            entry(0x51, "OnTrack DM6 Aux1"),
            entry(0x52, "CP/M"),
            entry(0x53, "OnTrack DM6 Aux3"),
            entry(0x54, "OnTrackDM6"),
            entry(0x55, "EZ-Drive"),
            entry(0x56, "Golden Bow"),
            entry(0x5c, "Priam Edisk"),
            entry(0x61, "SpeedStor"),
            entry(0x63, "GNU HURD or SysV"),
            entry(0x64, "Novell Netware 286"),
            entry(0x65, "Novell Netware 386"),
            entry(0x70, "DiskSecure Multi-Boot"),
            entry(0x75, "PC/IX"),
            entry(0x80, "Old Minix"),
            entry(0x81, "Minix / old Linux"),
            entry(0x82, "Linux swap / Solaris"),
            entry(0x83, "Linux"),
            entry(0x84, "OS/2 hidden or Intel hibernation"),
            entry(0x85, "Linux extended"),
            entry(0x86, "NTFS volume set"),
            entry(0x87, "NTFS volume set"),
            entry(0x88, "Linux plaintext"),
            entry(0x8e, "Linux LVM"),
            entry(0x93, "Amoeba"),
            entry(0x94, "Amoeba BBT"),
            entry(0x9f, "BSD/OS"),
            entry(0xa0, "IBM Thinkpad hibernation"),
            entry(0xa5, "FreeBSD"),
            entry(0xa6, "OpenBSD"),
            entry(0xa7, "NeXTSTEP"),
            entry(0xa8, "Darwin UFS"),
            entry(0xa9, "NetBSD"),
            entry(0xab, "Darwin boot"),
            entry(0xaf, "HFS / HFS+"),
            entry(0xb7, "BSDI fs"),
            entry(0xb8, "BSDI swap"),
            entry(0xbb, "Boot Wizard hidden"),
            entry(0xbc, "Acronis FAT32 LBA"),
            entry(0xbe, "Solaris boot"),
            entry(0xbf, "Solaris"),
            entry(0xc1, "DRDOS/sec (FAT-12)"),
            entry(0xc4, "DRDOS/sec (FAT-16 < 32M)"),
            entry(0xc6, "DRDOS/sec (FAT-16)"),
            entry(0xc7, "Syrinx"),
            entry(0xda, "Non-FS data"),
            entry(0xdb, "CP/M / CTOS / ..."),
            entry(0xde, "Dell Utility"),
            entry(0xdf, "BootIt"),
            entry(0xe1, "DOS access"),
            entry(0xe3, "DOS R/O"),
            entry(0xe4, "SpeedStor"),
            entry(0xea, "Linux extended boot"),
            entry(0xeb, "BeOS fs"),
            entry(0xee, "GPT"),
            entry(0xef, "EFI (FAT-12/16/32)"),
            entry(0xf0, "Linux/PA-RISC boot"),
            entry(0xf1, "SpeedStor"),
            entry(0xf4, "SpeedStor"),
            entry(0xf2, "DOS secondary"),
            entry(0xf8, "EBBR protective"),
            entry(0xfb, "VMware VMFS"),
            entry(0xfc, "VMware VMKCORE"),
            entry(0xfd, "Linux raid autodetect"),
            entry(0xfe, "LANstep"),
            entry(0xff, "BBT")
    );

    private static final List<GptType> GPT_TABLE = List.of(
            new GptType("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System"),
            new GptType("024DEE41-33E7-11D3-9D69-0008C781F39F", "MBR partition scheme"),
            new GptType("D3BFE2DE-3DAF-11DF-BA40-E3A556D89593", "Intel Fast Flash"),
            new GptType("21686148-6449-6E6F-744E-656564454649", "BIOS boot"),
            new GptType("F4019732-066E-4E12-8273-346C5641494F", "Sony boot partition"),
            new GptType("BFBFAFE7-A34F-448A-9A5B-6213EB736C22", "Lenovo boot partition"),
            new GptType("9E1A2D38-C612-4316-AA26-8B49521E5A8B", "PowerPC PReP boot"),
            new GptType("7412F7D5-A156-4B13-81DC-867174929325", "ONIE boot"),
            new GptType("D4E6E2CD-4469-46F3-B5CB-1BFF57AFC149", "ONIE config"),
            new GptType("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"),
            new GptType("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"),
            new GptType("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "Microsoft LDM metadata"),
            new GptType("AF9B60A0-1431-4F62-BC68-3311714A69AD", "Microsoft LDM data"),
            new GptType("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery environment"),
            new GptType("37AFFC90-EF7D-4E96-91C3-2D7AE055B174", "IBM General Parallel Fs"),
            new GptType("E75CAF8F-F680-4CEE-AFA3-B001E56EFC2D", "Microsoft Storage Spaces"),
            new GptType("75894C1E-3AEB-11D3-B7C1-7B03A0000000", "HP-UX data"),
            new GptType("E2A1E728-32E3-11D6-A682-7B03A0000000", "HP-UX service"),
            new GptType("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"),
            new GptType("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"),
            new GptType("3B8F8425-20E0-4F3B-907F-1A25A76F98E8", "Linux server data"),
            new GptType("44479540-F297-41B2-9AF7-D131D5F0458A", "Linux root (x86)"),
            new GptType("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"),
            new GptType("6523F8AE-3EB1-4E2A-A05A-18B695AE656F", "Linux root (Alpha)"),
            new GptType("D27F46ED-2919-4CB8-BD25-9531F3C16534", "Linux root (ARC)"),
            new GptType("69DAD710-2CE4-4E3C-B16C-21A1D49ABED3", "Linux root (ARM)"),
            new GptType("B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "Linux root (ARM-64)"),
            new GptType("993D8D3D-F80E-4225-855A-9DAF8ED7EA97", "Linux root (IA-64)"),
            new GptType("77055800-792C-4F94-B39A-98C91B762BB6", "Linux root (LoongArch-64)"),
            new GptType("37C58C8A-D913-4156-A25F-48B1B64E07F0", "Linux root (MIPS-32 LE)"),
            new GptType("700BDA43-7A34-4507-B179-EEB93D7A7CA3", "Linux root (MIPS-64 LE)"),
            new GptType("1DE3F1EF-FA98-47B5-8DCD-4A860A654D78", "Linux root (PPC)"),
            new GptType("912ADE1D-A839-4913-8964-A10EEE08FBD2", "Linux root (PPC64)"),
            new GptType("C31C45E6-3F39-412E-80FB-4809C4980599", "Linux root (PPC64LE)"),
            new GptType("60D5A7FE-8E7D-435C-B714-3DD8162144E1", "Linux root (RISC-V-32)"),
            new GptType("72EC70A6-CF74-40E6-BD49-4BDA08E8F224", "Linux root (RISC-V-64)"),
            new GptType("08A7ACEA-624C-4A20-91E8-6E0FA67D23F9", "Linux root (S390)"),
            new GptType("5EEAD9A9-FE09-4A1E-A1D7-520D00531306", "Linux root (S390X)"),
            new GptType("C50CDD70-3862-4CC3-90E1-809A8C93EE2C", "Linux root (TILE-Gx)"),
            new GptType("8DA63339-0007-60C0-C436-083AC8230908", "Linux reserved"),
            new GptType("933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home"),
            new GptType("A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"),
            new GptType("E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"),
            new GptType("4D21B016-B534-45C2-A9FB-5C16E091FD2D", "Linux variable data"),
            new GptType("7EC6F557-3BC5-4ACA-B293-16EF5DF639D1", "Linux temporary data"),
            new GptType("75250D76-8CC6-458E-BD66-BD47CC81A812", "Linux /usr (x86)"),
            new GptType("8484680C-9521-48C6-9C11-B0720656F69E", "Linux /usr (x86-64)"),
            new GptType("E18CF08C-33EC-4C0D-8246-C6C6FB3DA024", "Linux /usr (Alpha)"),
            new GptType("7978A683-6316-4922-BBEE-38BFF5A2FECC", "Linux /usr (ARC)"),
            new GptType("7D0359A3-02B3-4F0A-865C-654403E70625", "Linux /usr (ARM)"),
            new GptType("B0E01050-EE5F-4390-949A-9101B17104E9", "Linux /usr (ARM-64)"),
            new GptType("4301D2A6-4E3B-4B2A-BB94-9E0B2C4225EA", "Linux /usr (IA-64)"),
            new GptType("E611C702-575C-4CBE-9A46-434FA0BF7E3F", "Linux /usr (LoongArch-64)"),
            new GptType("0F4868E9-9952-4706-979F-3ED3A473E947", "Linux /usr (MIPS-32 LE)"),
            new GptType("C97C1F32-BA06-40B4-9F22-236061B08AA8", "Linux /usr (MIPS-64 LE)"),
            new GptType("7D14FEC5-CC71-415D-9D6C-06BF0B3C3EAF", "Linux /usr (PPC)"),
            new GptType("2C9739E2-F068-46B3-9FD0-01C5A9AFBCCA", "Linux /usr (PPC64)"),
            new GptType("15BB03AF-77E7-4D4A-B12B-C0D084F7491C", "Linux /usr (PPC64LE)"),
            new GptType("B933FB22-5C3F-4F91-AF90-E2BB0FA50702", "Linux /usr (RISC-V-32)"),
            new GptType("BEAEC34B-8442-439B-A40B-984381ED097D", "Linux /usr (RISC-V-64)"),
            new GptType("CD0F869B-D0FB-4CA0-B141-9EA87CC78D66", "Linux /usr (S390)"),
            new GptType("8A4F5770-50AA-4ED3-874A-99B710DB6FEA", "Linux /usr (S390X)"),
            new GptType("55497029-C7C1-44CC-AA39-815ED1558630", "Linux /usr (TILE-Gx)"),
            new GptType("D13C5D3B-B5D1-422A-B29F-9454FDC89D76", "Linux root verity (x86)"),
            new GptType("2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5", "Linux root verity (x86-64)"),
            new GptType("FC56D9E9-E6E5-4C06-BE32-E74407CE09A5", "Linux root verity (Alpha)"),
            new GptType("24B2D975-0F97-4521-AFA1-CD531E421B8D", "Linux root verity (ARC)"),
            new GptType("7386CDF2-203C-47A9-A498-F2ECCE45A2D6", "Linux root verity (ARM)"),
            new GptType("DF3300CE-D69F-4C92-978C-9BFB0F38D820", "Linux root verity (ARM-64)"),
            new GptType("86ED10D5-B607-45BB-8957-D350F23D0571", "Linux root verity (IA-64)"),
            new GptType("F3393B22-E9AF-4613-A948-9D3BFBD0C535", "Linux root verity (LoongArch-64)"),
            new GptType("D7D150D2-2A04-4A33-8F12-16651205FF7B", "Linux root verity (MIPS-32 LE)"),
            new GptType("16B417F8-3E06-4F57-8DD2-9B5232F41AA6", "Linux root verity (MIPS-64 LE)"),
            new GptType("98CFE649-1588-46DC-B2F0-ADD147424925", "Linux root verity (PPC)"),
            new GptType("9225A9A3-3C19-4D89-B4F6-EEFF88F17631", "Linux root verity (PPC64)"),
            new GptType("906BD944-4589-4AAE-A4E4-DD983917446A", "Linux root verity (PPC64LE)"),
            new GptType("AE0253BE-1167-4007-AC68-43926C14C5DE", "Linux root verity (RISC-V-32)"),
            new GptType("B6ED5582-440B-4209-B8DA-5FF7C419EA3D", "Linux root verity (RISC-V-64)"),
            new GptType("7AC63B47-B25C-463B-8DF8-B4A94E6C90E1", "Linux root verity (S390)"),
            new GptType("B325BFBE-C7BE-4AB8-8357-139E652D2F6B", "Linux root verity (S390X)"),
            new GptType("966061EC-28E4-4B2E-B4A5-1F0A825A1D84", "Linux root verity (TILE-Gx)"),
            new GptType("8F461B0D-14EE-4E81-9AA9-049B6FB97ABD", "Linux /usr verity (x86)"),
            new GptType("77FF5F63-E7B6-4633-ACF4-1565B864C0E6", "Linux /usr verity (x86-64)"),
            new GptType("8CCE0D25-C0D0-4A44-BD87-46331BF1DF67", "Linux /usr verity (Alpha)"),
            new GptType("FCA0598C-D880-4591-8C16-4EDA05C7347C", "Linux /usr verity (ARC)"),
            new GptType("C215D751-7BCD-4649-BE90-6627490A4C05", "Linux /usr verity (ARM)"),
            new GptType("6E11A4E7-FBCA-4DED-B9E9-E1A512BB664E", "Linux /usr verity (ARM-64)"),
            new GptType("6A491E03-3BE7-4545-8E38-83320E0EA880", "Linux /usr verity (IA-64)"),
            new GptType("F46B2C26-59AE-48F0-9106-C50ED47F673D", "Linux /usr verity (LoongArch-64)"),
            new GptType("46B98D8D-B55C-4E8F-AAB3-37FCA7F80752", "Linux /usr verity (MIPS-32 LE)"),
            new GptType("3C3D61FE-B5F3-414D-BB71-8739A694A4EF", "Linux /usr verity (MIPS-64 LE)"),
            new GptType("DF765D00-270E-49E5-BC75-F47BB2118B09", "Linux /usr verity (PPC)"),
            new GptType("BDB528A5-A259-475F-A87D-DA53FA736A07", "Linux /usr verity (PPC64)"),
            new GptType("EE2B9983-21E8-4153-86D9-B6901A54D1CE", "Linux /usr verity (PPC64LE)"),
            new GptType("CB1EE4E3-8CD0-4136-A0A4-AA61A32E8730", "Linux /usr verity (RISC-V-32)"),
            new GptType("8F1056BE-9B05-47C4-81D6-BE53128E5B54", "Linux /usr verity (RISC-V-64)"),
            new GptType("B663C618-E7BC-4D6D-90AA-11B756BB1797", "Linux /usr verity (S390)"),
            new GptType("31741CC4-1A2A-4111-A581-E00B447D2D06", "Linux /usr verity (S390X)"),
            new GptType("2FB4BF56-07FA-42DA-8132-6B139F2026AE", "Linux /usr verity (TILE-Gx)"),
            new GptType("5996FC05-109C-48DE-808B-23FA0830B676", "Linux root verity sign. (x86)"),
            new GptType("41092B05-9FC8-4523-994F-2DEF0408B176", "Linux root verity sign. (x86-64)"),
            new GptType("D46495B7-A053-414F-80F7-700C99921EF8", "Linux root verity sign. (Alpha)"),
            new GptType("143A70BA-CBD3-4F06-919F-6C05683A78BC", "Linux root verity sign. (ARC)"),
            new GptType("42B0455F-EB11-491D-98D3-56145BA9D037", "Linux root verity sign. (ARM)"),
            new GptType("6DB69DE6-29F4-4758-A7A5-962190F00CE3", "Linux root verity sign. (ARM-64)"),
            new GptType("E98B36EE-32BA-4882-9B12-0CE14655F46A", "Linux root verity sign. (IA-64)"),
            new GptType("5AFB67EB-ECC8-4F85-AE8E-AC1E7C50E7D0", "Linux root verity sign. (LoongArch-64)"),
            new GptType("C919CC1F-4456-4EFF-918C-F75E94525CA5", "Linux root verity sign. (MIPS-32 LE)"),
            new GptType("904E58EF-5C65-4A31-9C57-6AF5FC7C5DE7", "Linux root verity sign. (MIPS-64 LE)"),
            new GptType("1B31B5AA-ADD9-463A-B2ED-BD467FC857E7", "Linux root verity sign. (PPC)"),
            new GptType("F5E2C20C-45B2-4FFA-BCE9-2A60737E1AAF", "Linux root verity sign. (PPC64)"),
            new GptType("D4A236E7-E873-4C07-BF1D-BF6CF7F1C3C6", "Linux root verity sign. (PPC64LE)"),
            new GptType("3A112A75-8729-4380-B4CF-764D79934448", "Linux root verity sign. (RISC-V-32)"),
            new GptType("EFE0F087-EA8D-4469-821A-4C2A96A8386A", "Linux root verity sign. (RISC-V-64)"),
            new GptType("3482388E-4254-435A-A241-766A065F9960", "Linux root verity sign. (S390)"),
            new GptType("C80187A5-73A3-491A-901A-017C3FA953E9", "Linux root verity sign. (S390X)"),
            new GptType("B3671439-97B0-4A53-90F7-2D5A8F3AD47B", "Linux root verity sign. (TILE-Gx)"),
            new GptType("974A71C0-DE41-43C3-BE5D-5C5CCD1AD2C0", "Linux /usr verity sign. (x86)"),
            new GptType("E7BB33FB-06CF-4E81-8273-E543B413E2E2", "Linux /usr verity sign. (x86-64)"),
            new GptType("5C6E1C76-076A-457A-A0FE-F3B4CD21CE6E", "Linux /usr verity sign. (Alpha)"),
            new GptType("94F9A9A1-9971-427A-A400-50CB297F0F35", "Linux /usr verity sign. (ARC)"),
            new GptType("D7FF812F-37D1-4902-A810-D76BA57B975A", "Linux /usr verity sign. (ARM)"),
            new GptType("C23CE4FF-44BD-4B00-B2D4-B41B3419E02A", "Linux /usr verity sign. (ARM-64)"),
            new GptType("8DE58BC2-2A43-460D-B14E-A76E4A17B47F", "Linux /usr verity sign. (IA-64)"),
            new GptType("B024F315-D330-444C-8461-44BBDE524E99", "Linux /usr verity sign. (LoongArch-64)"),
            new GptType("3E23CA0B-A4BC-4B4E-8087-5AB6A26AA8A9", "Linux /usr verity sign. (MIPS-32 LE)"),
            new GptType("F2C2C7EE-ADCC-4351-B5C6-EE9816B66E16", "Linux /usr verity sign. (MIPS-64 LE)"),
            new GptType("7007891D-D371-4A80-86A4-5CB875B9302E", "Linux /usr verity sign. (PPC)"),
            new GptType("0B888863-D7F8-4D9E-9766-239FCE4D58AF", "Linux /usr verity sign. (PPC64)"),
            new GptType("C8BFBD1E-268E-4521-8BBA-BF314C399557", "Linux /usr verity sign. (PPC64LE)"),
            new GptType("C3836A13-3137-45BA-B583-B16C50FE5EB4", "Linux /usr verity sign. (RISC-V-32)"),
            new GptType("D2F9000A-7A18-453F-B5CD-4D32F77A7B32", "Linux /usr verity sign. (RISC-V-64)"),
            new GptType("17440E4F-A8D0-467F-A46E-3912AE6EF2C5", "Linux /usr verity sign. (S390)"),
            new GptType("3F324816-667B-46AE-86EE-9B0C0C6C11B4", "Linux /usr verity sign. (S390X)"),
            new GptType("4EDE75E2-6CCC-4CC8-B9C7-70334B087510", "Linux /usr verity sign. (TILE-Gx)"),
            new GptType("BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot"),
            new GptType("773f91ef-66d4-49b5-bd83-d683bf40ad16", "Linux user's home"),
            new GptType("516E7CB4-6ECF-11D6-8FF8-00022D09712B", "FreeBSD data"),
            new GptType("83BD6B9D-7F41-11DC-BE0B-001560B84F0F", "FreeBSD boot"),
            new GptType("516E7CB5-6ECF-11D6-8FF8-00022D09712B", "FreeBSD swap"),
            new GptType("516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS"),
            new GptType("516E7CBA-6ECF-11D6-8FF8-00022D09712B", "FreeBSD ZFS"),
            new GptType("516E7CB8-6ECF-11D6-8FF8-00022D09712B", "FreeBSD Vinum"),
            new GptType("48465300-0000-11AA-AA11-00306543ECAC", "Apple HFS/HFS+"),
            new GptType("7C3457EF-0000-11AA-AA11-00306543ECAC", "Apple APFS"),
            new GptType("55465300-0000-11AA-AA11-00306543ECAC", "Apple UFS"),
            new GptType("52414944-0000-11AA-AA11-00306543ECAC", "Apple RAID"),
            new GptType("52414944-5F4F-11AA-AA11-00306543ECAC", "Apple RAID offline"),
            new GptType("426F6F74-0000-11AA-AA11-00306543ECAC", "Apple boot"),
            new GptType("4C616265-6C00-11AA-AA11-00306543ECAC", "Apple label"),
            new GptType("5265636F-7665-11AA-AA11-00306543ECAC", "Apple TV recovery"),
            new GptType("53746F72-6167-11AA-AA11-00306543ECAC", "Apple Core storage"),
            new GptType("69646961-6700-11AA-AA11-00306543ECAC", "Apple Silicon boot"),
            new GptType("52637672-7900-11AA-AA11-00306543ECAC", "Apple Silicon recovery"),
            new GptType("6A82CB45-1DD2-11B2-99A6-080020736631", "Solaris boot"),
            new GptType("6A85CF4D-1DD2-11B2-99A6-080020736631", "Solaris root"),
            new GptType("6A898CC3-1DD2-11B2-99A6-080020736631", "Solaris /usr & Apple ZFS"),
            new GptType("6A87C46F-1DD2-11B2-99A6-080020736631", "Solaris swap"),
            new GptType("6A8B642B-1DD2-11B2-99A6-080020736631", "Solaris backup"),
            new GptType("6A8EF2E9-1DD2-11B2-99A6-080020736631", "Solaris /var"),
            new GptType("6A90BA39-1DD2-11B2-99A6-080020736631", "Solaris /home"),
            new GptType("6A9283A5-1DD2-11B2-99A6-080020736631", "Solaris alternate sector"),
            new GptType("6A945A3B-1DD2-11B2-99A6-080020736631", "Solaris reserved 1"),
            new GptType("6A9630D1-1DD2-11B2-99A6-080020736631", "Solaris reserved 2"),
            new GptType("6A980767-1DD2-11B2-99A6-080020736631", "Solaris reserved 3"),
            new GptType("6A96237F-1DD2-11B2-99A6-080020736631", "Solaris reserved 4"),
            new GptType("6A8D2AC7-1DD2-11B2-99A6-080020736631", "Solaris reserved 5"),
            new GptType("49F48D32-B10E-11DC-B99B-0019D1879648", "NetBSD swap"),
            new GptType("49F48D5A-B10E-11DC-B99B-0019D1879648", "NetBSD FFS"),
            new GptType("49F48D82-B10E-11DC-B99B-0019D1879648", "NetBSD LFS"),
            new GptType("2DB519C4-B10F-11DC-B99B-0019D1879648", "NetBSD concatenated"),
            new GptType("2DB519EC-B10F-11DC-B99B-0019D1879648", "NetBSD encrypted"),
            new GptType("49F48DAA-B10E-11DC-B99B-0019D1879648", "NetBSD RAID"),
            new GptType("FE3A2A5D-4F32-41A7-B725-ACCC3285A309", "ChromeOS kernel"),
            new GptType("3CB8E202-3B7E-47DD-8A3C-7FF2A13CFCEC", "ChromeOS root fs"),
            new GptType("2E0A753D-9E48-43B0-8337-B15192CB1B5E", "ChromeOS reserved"),
            new GptType("85D5E45A-237C-11E1-B4B3-E89A8F7FC3A7", "MidnightBSD data"),
            new GptType("85D5E45E-237C-11E1-B4B3-E89A8F7FC3A7", "MidnightBSD boot"),
            new GptType("85D5E45B-237C-11E1-B4B3-E89A8F7FC3A7", "MidnightBSD swap"),
            new GptType("0394EF8B-237E-11E1-B4B3-E89A8F7FC3A7", "MidnightBSD UFS"),
            new GptType("85D5E45D-237C-11E1-B4B3-E89A8F7FC3A7", "MidnightBSD ZFS"),
            new GptType("85D5E45C-237C-11E1-B4B3-E89A8F7FC3A7", "MidnightBSD Vinum"),
            new GptType("45B0969E-9B03-4F30-B4C6-B4B80CEFF106", "Ceph Journal"),
            new GptType("45B0969E-9B03-4F30-B4C6-5EC00CEFF106", "Ceph Encrypted Journal"),
            new GptType("4FBD7E29-9D25-41B8-AFD0-062C0CEFF05D", "Ceph OSD"),
            new GptType("4FBD7E29-9D25-41B8-AFD0-5EC00CEFF05D", "Ceph crypt OSD"),
            new GptType("89C57F98-2FE5-4DC0-89C1-F3AD0CEFF2BE", "Ceph disk in creation"),
            new GptType("89C57F98-2FE5-4DC0-89C1-5EC00CEFF2BE", "Ceph crypt disk in creation"),
            new GptType("AA31E02A-400F-11DB-9590-000C2911D1B8", "VMware VMFS"),
            new GptType("9D275380-40AD-11DB-BF97-000C2911D1B8", "VMware Diagnostic"),
            new GptType("381CFCCC-7288-11E0-92EE-000C2911D0B2", "VMware Virtual SAN"),
            new GptType("77719A0C-A4A0-11E3-A47E-000C29745A24", "VMware Virsto"),
            new GptType("9198EFFC-31C0-11DB-8F78-000C2911D1B8", "VMware Reserved"),
            new GptType("824CC7A0-36A8-11E3-890A-952519AD3F61", "OpenBSD data"),
            new GptType("CEF5A9AD-73BC-4601-89F3-CDEEEEE321A1", "QNX6 file system"),
            new GptType("C91818F9-8025-47AF-89D2-F030D7000C2C", "Plan 9 partition"),
            new GptType("5B193300-FC78-40CD-8002-E86C45580B47", "HiFive FSBL"),
            new GptType("2E54B353-1271-4842-806F-E436D6AF6985", "HiFive BBL"),
            new GptType("42465331-3BA3-10F1-802A-4861696B7521", "Haiku BFS"),
            new GptType("6828311A-BA55-42A4-BCDE-A89BB5EDECAE", "Marvell Armada 3700 Boot partition")
    );

    /** The GPT types, in libfdisk's order. */
    public static final List<Type> GPT = GPT_TABLE.stream().map(g -> new Type(0, g.guid, g.name, false)).toList();

    private static final List<Shortcut> DOS_CUTS = List.of(
            new Shortcut("L", "linux", "83"),
            new Shortcut("S", "swap", "82"),
            new Shortcut("E", "extended", "05"),
            new Shortcut("Ex", "extended", "05"),
            new Shortcut("U", "uefi", "EF"),
            new Shortcut("R", "raid", "FD"),
            new Shortcut("V", "lvm", "8E"),
            new Shortcut("X", "linuxex", "85"));

    private static final List<Shortcut> GPT_CUTS = List.of(
            new Shortcut("L", "linux", "0FC63DAF-8483-4772-8E79-3D69D8477DE4"),
            new Shortcut("S", "swap", "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"),
            new Shortcut("H", "home", "933AC7E1-2EB4-4F13-B844-0E14E2AEF915"),
            new Shortcut("U", "uefi", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"),
            new Shortcut("R", "raid", "A19D880F-05FC-4D3B-A006-743F0F84911E"),
            new Shortcut("V", "lvm", "E6D6D379-F507-44C2-A23C-238F2A3DF928"));

    /** The GPT type used when a script names none: Linux filesystem. */
    public static final String GPT_DEFAULT = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

    /** The named MBR type of {@code code}, or null. */
    public static Type dosByCode(int code) {
        for (Type t : DOS) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** The MBR type of {@code code}, "unknown" when libfdisk has no name for it. */
    public static Type dosType(int code) {
        Type t = dosByCode(code);
        return t != null ? t : new Type(code, null, "unknown", true);
    }

    /** The named GPT type of {@code guid} (any case), or null. */
    public static Type gptByGuid(String guid) {
        for (Type t : GPT) {
            if (t.typestr.equalsIgnoreCase(guid)) {
                return t;
            }
        }
        return null;
    }

    /** The GPT type of {@code guid}, "unknown" (keeping the upper-case GUID) when unnamed. */
    public static Type gptType(String guid) {
        Type t = gptByGuid(guid);
        return t != null ? t : new Type(0, guid.toUpperCase(Locale.ROOT), "unknown", true);
    }

    /**
     * What a script's {@code type=} (or third field) means for a label: alias, then shortcut,
     * then a name compared on letters and digits only, then the data (hex code for dos, type
     * string for gpt), else an unknown type (code 0 for a dos string that is not hex).
     */
    public static Type parse(boolean gpt, String str) {
        List<Shortcut> cuts = gpt ? GPT_CUTS : DOS_CUTS;
        for (Shortcut s : cuts) {
            if (s.alias.equals(str)) {
                return fromData(gpt, s.data);
            }
        }
        for (Shortcut s : cuts) {
            if (s.shortcut.equals(str)) {
                return fromData(gpt, s.data);
            }
        }
        for (Type t : gpt ? GPT : DOS) {
            if (!t.name.isEmpty() && alnumEquals(t.name, str)) {
                return t;
            }
        }
        Type t = fromData(gpt, str);
        if (t != null) {
            return t;
        }
        if (gpt) {
            return new Type(0, str, "unknown", true);
        }
        Integer code = hex(str);
        return new Type(code == null ? 0 : code, null, "unknown", true);
    }

    private static Type fromData(boolean gpt, String str) {
        if (gpt) {
            return gptByGuid(str);
        }
        Integer code = hex(str);
        return code == null ? null : dosByCode(code);
    }

    /** strtol(str, &end, 16) with *end required to be '\0'. */
    private static Integer hex(String str) {
        String s = str.stripLeading();
        boolean neg = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            neg = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if (s.isEmpty() || s.length() > 15) {
            return null;
        }
        try {
            long v = Long.parseLong(s, 16);
            return (int) (neg ? -v : v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ul_stralnumcmp() == 0: equal when only letters and digits count, ignoring case. */
    static boolean alnumEquals(String a, String b) {
        return alnum(a).equals(alnum(b));
    }

    private static String alnum(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 128 && Character.isLetterOrDigit(c)) {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }
}
