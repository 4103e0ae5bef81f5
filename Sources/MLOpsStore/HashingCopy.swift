#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CSyncFS
import Crypto
import Dispatch
import MLOpsErrors
import Synchronization

/// Streams a file through SHA-256, optionally writing the same bytes to a destination, in constant memory.
///
/// Hashing and copying in one pass guarantees the stored bytes are exactly the hashed bytes, even if the source
/// changes meanwhile. For large inputs the reading-and-hashing thread hands filled buffers to a writing thread,
/// so the copy overlaps the hash and both cores work; memory stays at ``slotCount`` × ``chunkSize``.
public enum HashingCopy {
    /// The size of one read; large enough that syscalls are negligible, small enough to stay in cache.
    public static let chunkSize = 1 << 20
    /// Buffers in flight between the hashing and the writing thread.
    static let slotCount = 4
    /// How many written bytes accumulate before their writeback to disk is started.
    static let writebackWindow: Int64 = 32 << 20

    /// The result of streaming a file.
    public struct Outcome: Sendable {
        /// The id of the bytes read.
        public var id: ObjectID
        /// How many bytes were read (and written).
        public var size: Int64
    }

    /// Hashes everything `source` yields. `progress`, when given, receives the byte count of each chunk.
    public static func hash(_ source: borrowing OpenFile, progress: ((Int) -> Void)? = nil) throws -> Outcome {
        let info = try source.status()
        // A pipe's size says nothing of what it will yield.
        let expectedSize = info.st_mode & S_IFMT == S_IFREG ? Int64(info.st_size) : Int64(chunkSize)
        return try sequential(from: source, progress: progress, bufferFor: expectedSize, write: nil)
    }

    /// Hashes everything `source` yields and writes the same bytes to `destination`. `expectedSize` (the
    /// source's size from `stat`) chooses the strategy, and a small source is read no further than that size;
    /// the bytes read decide the result. A large source is written with direct I/O where that is possible (see
    /// ``hashWhileCopying(_:to:size:directWrites:progress:)``): the bytes written are the ones hashed either way.
    public static func copy(
        from source: borrowing OpenFile, to destination: borrowing OpenFile, expectedSize: Int64,
        progress: ((Int) -> Void)? = nil
    ) throws -> Outcome {
        if expectedSize > Int64(chunkSize) {
            return try pipelined(
                from: source, to: destination, directWrites: startDirectWrites(destination.descriptor), progress: progress)
        }
        let descriptor = destination.descriptor
        let path = destination.path
        return try sequential(from: source, progress: progress, bufferFor: expectedSize, stopAfter: expectedSize) {
            try OpenFile.writeAll($0, descriptor: descriptor, path: path)
        }
    }

    /// Reads, hashes and hands on chunks until the end of `source`, or until `stopAfter` bytes when given: a file
    /// whose size was just taken from `stat` is then read in one call instead of two (the second finding the end).
    /// `bufferFor` (the expected size) sizes the buffer.
    private static func sequential(
        from source: borrowing OpenFile, progress: ((Int) -> Void)?, bufferFor expectedSize: Int64, stopAfter: Int64? = nil,
        write: ((UnsafeRawBufferPointer) throws -> Void)?
    ) throws -> Outcome {
        // Sized to a small file, the buffer comes from the heap: a chunk-sized one is mapped and unmapped per file,
        // and every unmap of a multithreaded process interrupts the other cores to flush their TLBs.
        let bufferSize = Int(min(Int64(chunkSize), max(expectedSize, 4096)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            let filled = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(bufferPointer: filled)
            try write?(filled)
            size += Int64(count)
            progress?(count)
            if let stopAfter, size >= stopAfter, stopAfter > 0 { break }
        }
        return Outcome(id: ObjectID(digest: hasher.finalize()), size: size)
    }

    /// `directWrites`: the destination has direct I/O on (``startDirectWrites(_:)``); whole aligned chunks are
    /// written that way, and direct I/O is turned off before anything else is written.
    private static func pipelined(
        from source: borrowing OpenFile, to destination: borrowing OpenFile, directWrites: Bool,
        progress: ((Int) -> Void)?
    ) throws -> Outcome {
        let ring = Ring(slots: slotCount, chunkSize: chunkSize)
        defer { ring.deallocate() }
        let writerDescriptor = destination.descriptor
        let writerPath = destination.path
        let writerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            var written: Int64 = 0
            var writtenBack: Int64 = 0
            var direct = directWrites
            ring.drain { bytes in
                if direct {
                    direct = try writeDirect(bytes, at: written, descriptor: writerDescriptor, path: writerPath)
                } else {
                    try OpenFile.writeAll(bytes, descriptor: writerDescriptor, path: writerPath)
                }
                written += Int64(bytes.count)
                // Large objects are synced before anything refers to them; writing back behind the copy makes that
                // final sync short instead of a second pass over the whole file.
                if !direct, written - writtenBack >= writebackWindow {
                    mlops_start_writeback(writerDescriptor, writtenBack, written - writtenBack)
                    writtenBack = written
                }
            }
            writerDone.signal()
        }
        var hasher = SHA256()
        var size: Int64 = 0
        var readError: (any Error)?
        var slot = 0
        while true {
            ring.free.wait()
            var count = 0
            if !ring.failed {
                do {
                    count = try source.read(into: ring.buffers[slot])
                } catch {
                    readError = error
                }
            }
            ring.lengths[slot] = count
            if count > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: ring.buffers[slot][..<count])) }
            ring.filled.signal()
            if count == 0 { break }
            size += Int64(count)
            progress?(count)
            slot = (slot + 1) % ring.buffers.count
        }
        writerDone.wait()
        if let readError { throw readError }
        if let writeError = ring.writeError.withLock({ $0 }) { throw writeError }
        return Outcome(id: ObjectID(digest: hasher.finalize()), size: size)
    }

    /// Turns direct I/O on for a destination nothing has been written to yet (its offsets are then the bytes
    /// written so far); false, changing nothing, for any other or where the filesystem does not support it.
    static func startDirectWrites(_ descriptor: Int32) -> Bool {
        lseek(descriptor, 0, SEEK_CUR) == 0 && mlops_set_direct_io(descriptor, 1) == 0
    }

    /// Writes `bytes` at `offset` (the descriptor's position) with direct I/O when both are aligned; otherwise, or
    /// when the filesystem refuses the alignment after all, turns direct I/O off and writes them through the page
    /// cache. Returns whether direct I/O is still on.
    private static func writeDirect(_ bytes: UnsafeRawBufferPointer, at offset: Int64, descriptor: Int32, path: String) throws -> Bool {
        if let base = bytes.baseAddress, bytes.count % directAlignment == 0, offset % Int64(directAlignment) == 0 {
            var done = 0
            while done < bytes.count {
                let count = write(descriptor, base + done, bytes.count - done)
                if count > 0 {
                    done += count
                } else if count < 0, errno == EINTR {
                    continue
                } else if count < 0, errno != EINVAL {
                    throw MLOpsError.system("write", path: path, errno: errno)
                } else {
                    break
                }
            }
            if done == bytes.count { return true }
        }
        guard mlops_set_direct_io(descriptor, 0) == 0, lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw MLOpsError.system("write", path: path, errno: errno)
        }
        try OpenFile.writeAll(bytes, descriptor: descriptor, path: path)
        return false
    }

    /// Fixed buffers passed between the hashing thread and the writing thread. The semaphores order every access
    /// to a slot, which is why the unchecked sendability is sound.
    private final class Ring: @unchecked Sendable {
        let buffers: [UnsafeMutableRawBufferPointer]
        var lengths: [Int]
        let free: DispatchSemaphore
        let filled = DispatchSemaphore(value: 0)
        let writeError = Mutex<(any Error)?>(nil)
        var failed: Bool { writeError.withLock { $0 != nil } }

        init(slots: Int, chunkSize: Int) {
            buffers = (0..<slots).map { _ in .allocate(byteCount: chunkSize, alignment: 4096) }
            lengths = Array(repeating: 0, count: slots)
            // libdispatch traps when a semaphore is disposed below its initial value, and the producer ends
            // holding slots; starting at zero and signalling up avoids that.
            free = DispatchSemaphore(value: 0)
            for _ in 0..<slots { free.signal() }
        }

        /// Writes filled slots in order until an empty one marks the end; after an error keeps draining, unwritten,
        /// so the producer never blocks.
        func drain(_ write: (UnsafeRawBufferPointer) throws -> Void) {
            var slot = 0
            while true {
                filled.wait()
                let count = lengths[slot]
                if count == 0 { break }
                if !failed {
                    do {
                        try write(UnsafeRawBufferPointer(rebasing: buffers[slot][..<count]))
                    } catch {
                        writeError.withLock { $0 = error }
                    }
                }
                free.signal()
                slot = (slot + 1) % buffers.count
            }
        }

        func deallocate() { buffers.forEach { $0.deallocate() } }
    }
}

extension HashingCopy {
    /// Copies a source that does not change while it is read (an object in a store or on a remote) and hashes
    /// it: a large one is copied on another thread while this one hashes, a small one is read in one call (its
    /// size known) and written from that buffer.
    public static func copyUnchanging(
        from source: borrowing OpenFile, to destination: borrowing OpenFile, size: Int64, progress: ((Int) -> Void)? = nil
    ) throws -> Outcome {
        size > Int64(chunkSize)
            ? try hashWhileCopying(source, to: destination, size: size, progress: progress)
            : try copy(from: source, to: destination, expectedSize: size, progress: progress)
    }

    /// The alignment of offsets, lengths and buffers direct I/O needs on filesystems with 4 KiB blocks; one that
    /// wants more refuses the write, and the copy goes on through the page cache.
    static let directAlignment = 4096

    /// Hashes `source`, `size` bytes long, on this thread while another thread copies it into the new, empty
    /// `destination`. The two agree only if nothing writes to `source` meanwhile; the caller checks that.
    ///
    /// Where the filesystem allows direct I/O, the chunks this thread reads and hashes are written to the device
    /// straight from its buffers: a gigabyte copied through the page cache needs a gigabyte of fresh page-cache
    /// memory, and on virtual machines whose freed memory goes back to the host each new page faults there (this
    /// project's 2-core VMs copied at ~0.4 GB/s in the kernel's memcpy, against ~1.2 GB/s to the disk). Elsewhere
    /// the kernel copies (`copy_file_range`, or reads and writes where it refuses).
    ///
    /// `directWrites: false` takes the kernel's copy even where direct I/O would do.
    static func hashWhileCopying(
        _ source: borrowing OpenFile, to destination: borrowing OpenFile, size: Int64, directWrites: Bool = true,
        progress: ((Int) -> Void)?
    ) throws -> Outcome {
        if directWrites, startDirectWrites(destination.descriptor) {
            return try pipelined(from: source, to: destination, directWrites: true, progress: progress)
        }
        let input = source.descriptor
        let output = destination.descriptor
        let outputPath = destination.path
        let copyError = Mutex<(any Error)?>(nil)
        let copied = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            do {
                try KernelCopy.copy(from: input, to: output, size: size, path: outputPath)
            } catch {
                copyError.withLock { $0 = error }
            }
            copied.signal()
        }
        let outcome = try hash(source, progress: progress)
        copied.wait()
        if let error = copyError.withLock({ $0 }) { throw error }
        return outcome
    }
}
