package blocksim.fs;

/**
 * What a disk filesystem is told when its in-memory inodes change, so that it can write them back:
 * a page of a file made dirty ({@code __set_page_dirty} / {@code folio_mark_dirty}), or an inode's
 * metadata (its size, a directory's entries) changed ({@code mark_inode_dirty}). tmpfs has none.
 */
interface Backing {

    void pageDirtied(Inode.Regular file, long page);

    void inodeChanged(Inode inode);
}
