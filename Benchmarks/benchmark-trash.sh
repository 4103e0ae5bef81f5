# Sourced by the data-versioning and remote benchmarks, which both create tens of thousands of files in
# "$work". What a scenario is done with is moved aside with `aside <paths…>` rather than deleted: on ext4
# without a journal (this project's VMs) the kernel does not reuse an inode freed less than 60 s ago, or 360 s
# while its inode-table block is still dirty (fs/ext4/ialloc.c, recently_deleted: 60 + 300 s), and scans past
# every such inode for each file it creates, so creating 20,000 files within minutes of deleting 100,000 costs
# several times the system time for whichever tool runs next (allocating new inodes dirties the table blocks
# of the deleted ones, so in practice the 360 s). Nobody adds data right after deleting a cache, so the trash
# is emptied once, when the script exits, and the next run of either script waits until that is seven
# minutes old. Deleting also frees memory, which these VMs hand back to their host (virtio-balloon free page
# reporting): the next gigabyte a tool writes then faults in page by page and the kernel's copies run at a
# fraction of their speed.
trash="$work/trash"
emptied="$work/trash-emptied-at"
if [ -f "$emptied" ]; then
    wait=$(($(cat "$emptied") + 420 - $(date +%s)))
    if [ "$wait" -gt 0 ]; then echo "waiting ${wait} s for ext4 to reuse the inodes the last run deleted"; sleep "$wait"; fi
fi
mkdir -p "$trash"
trap 'rm -rf "$trash" && sync && date +%s > "$emptied"' EXIT
aside() { local slot; slot="$(mktemp -d "$trash/XXXXXX")"; for path in "$@"; do [ ! -e "$path" ] || mv "$path" "$slot/"; done; }
export -f aside; export trash
