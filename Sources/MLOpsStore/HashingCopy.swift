#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CSyncFS
import Crypto
import Dispatch
import MLOpsErrors
import MLOpsParallel
import Synchronization

/// Streams a file through SHA-256, optionally writing the same bytes to a destination, in constant memory.
///
/// Hashing and copying in one pass guarantees the stored bytes are exactly the hashed bytes, even if the source
/// changes meanwhile. For large inputs a reading thread fills buffers that the calling thread hashes and a writing
/// thread writes at the same time, so hashing, the only step that cannot be split, never waits for the others;
/// memory stays at ``slotCount`` × ``chunkSize``.
public enum HashingCopy {
    /// The size of one read; large enough that syscalls are negligible, small enough to stay in cache.
    public static let chunkSize = 1 << 20
    /// Buffers in flight between the reading, the hashing and the writing thread.
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
        if expectedSize > Int64(chunkSize) { return try pipelined(from: source, to: [], progress: progress) }
        return try sequential(from: source, progress: progress, bufferFor: expectedSize, write: nil)
    }

    /// Hashes everything `source` yields and writes the same bytes to `destination`. `expectedSize` (the
    /// source's size from `stat`) chooses the strategy, and a small source is read no further than that size;
    /// the bytes read decide the result. A large source is written with direct I/O where that is possible (see
    /// ``hashWhileCopying(_:to:size:directWrites:sourceIsObject:progress:)``): the bytes written are the ones hashed either way.
    public static func copy(
        from source: borrowing OpenFile, to destination: borrowing OpenFile, expectedSize: Int64,
        progress: ((Int) -> Void)? = nil
    ) throws -> Outcome {
        if expectedSize > Int64(chunkSize) {
            let sink = Sink(
                descriptor: destination.descriptor, path: destination.path,
                direct: startDirectWrites(destination.descriptor))
            return try pipelined(from: source, to: [sink], progress: progress)
        }
        let sink = Sink(descriptor: destination.descriptor, path: destination.path, direct: false)
        return try sequentialCopy(from: source, to: [sink], size: expectedSize, progress: progress)
    }

    /// Copies a small `source` of `size` bytes (from `stat`) to every sink through one buffer, reading no further
    /// than `size`; the bytes read decide the result.
    private static func sequentialCopy(
        from source: borrowing OpenFile, to sinks: [Sink], size: Int64, progress: ((Int) -> Void)?
    ) throws -> Outcome {
        try sequential(from: source, progress: progress, bufferFor: size, stopAfter: size) { bytes in
            for sink in sinks { try OpenFile.writeAll(bytes, descriptor: sink.descriptor, path: sink.path) }
        }
    }

    /// Reads, hashes and hands on chunks until the end of `source`, or until `stopAfter` bytes when given: a file
    /// whose size was just taken from `stat` is then read in one call instead of two (the second finding the end).
    /// `bufferFor` (the expected size) sizes the buffer.
    private static func sequential(
        from source: borrowing OpenFile, progress: ((Int) -> Void)?, bufferFor expectedSize: Int64,
        stopAfter: Int64? = nil,
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

    /// A further file a copy writes the same bytes to: an empty file open for writing, which its owner keeps open
    /// until the copy returns.
    public struct Duplicate: Sendable {
        let descriptor: Int32
        let path: String

        public init(_ file: borrowing OpenFile) {
            descriptor = file.descriptor
            path = file.path
        }
    }

    /// Where a pipelined copy writes: a destination's descriptor (threads cannot borrow an ``OpenFile``), and
    /// whether direct I/O is on for it (``startDirectWrites(_:)``).
    struct Sink: Sendable {
        let descriptor: Int32
        let path: String
        let direct: Bool
    }

    /// Streams `source` through a ring of chunk buffers: a reading thread fills them, this thread hashes each one
    /// (and reports progress), and a writing thread per sink writes the same buffers meanwhile.
    /// Reading from the page cache is a memory copy that would otherwise take a quarter of the hashing core's time.
    /// With direct writes, whole aligned chunks go to the device that way, and direct I/O is turned off before
    /// anything else is written.
    ///
    /// With a `mapping` of the source, the reading thread hands on slices of it (after asking the kernel to map
    /// each in) instead of copying into buffers. With `directReads` (direct I/O on for the source), it reads whole
    /// chunks from the device into the buffers.
    private static func pipelined(
        from source: borrowing OpenFile, mapping: MappedFile? = nil, directReads: Bool = false, to sinks: [Sink],
        progress: ((Int) -> Void)?
    ) throws -> Outcome {
        let ring = Ring(slots: slotCount, chunkSize: chunkSize, consumers: 1 + sinks.count, mapping: mapping)
        defer { ring.deallocate() }
        let sourceDescriptor = source.descriptor
        let sourcePath = source.path
        // Doubles the kernel's read-ahead: reading a gigabyte that is not cached took 0.53 s instead of 0.64 s
        // (medians of six) on this project's VMs. Only a hint; its failure changes nothing.
        _ = posix_fadvise(sourceDescriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        let reader = ParallelWork.startThread {
            ring.fill(from: sourceDescriptor, path: sourcePath, direct: directReads)
        }
        let writers = sinks.enumerated().map { index, sink in
            ParallelWork.startThread {
                var written: Int64 = 0
                var writtenBack: Int64 = 0
                var direct = sink.direct
                ring.consume(as: 1 + index) { bytes in
                    if direct {
                        direct = try writeDirect(bytes, at: written, descriptor: sink.descriptor, path: sink.path)
                    } else {
                        try OpenFile.writeAll(bytes, descriptor: sink.descriptor, path: sink.path)
                    }
                    written += Int64(bytes.count)
                    // Large objects are synced before anything refers to them; writing back behind the copy makes
                    // that final sync short instead of a second pass over the whole file.
                    if !direct, written - writtenBack >= writebackWindow {
                        mlops_start_writeback(sink.descriptor, writtenBack, written - writtenBack)
                        writtenBack = written
                    }
                }
            }
        }
        var hasher = SHA256()
        var size: Int64 = 0
        ring.consume(as: 0) { bytes in
            hasher.update(bufferPointer: bytes)
            size += Int64(bytes.count)
            progress?(bytes.count)
        }
        reader.wait()
        writers.forEach { $0.wait() }
        if let error = ring.failure.withLock({ $0 }) { throw error }
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
    private static func writeDirect(_ bytes: UnsafeRawBufferPointer, at offset: Int64, descriptor: Int32, path: String)
        throws -> Bool
    {
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

    /// Fills `buffer` (a whole chunk, aligned) from `descriptor`, which has direct I/O on, until it is full or the
    /// file ends: a direct read returns less than it was asked for, and less than whole blocks, only at the end of
    /// the file. When the filesystem refuses the alignment, turns direct I/O off (`direct` becomes false) and
    /// reads the rest through the page cache.
    static func readDirect(
        into buffer: UnsafeMutableRawBufferPointer, descriptor: Int32, path: String, direct: inout Bool
    ) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = Glibc.read(descriptor, buffer.baseAddress.map { $0 + total }, buffer.count - total)
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EINVAL, direct {
                guard mlops_set_direct_io(descriptor, 0) == 0 else {
                    throw MLOpsError.system("read", path: path, errno: errno)
                }
                direct = false
                continue
            }
            if count < 0 { throw MLOpsError.system("read", path: path, errno: errno) }
            if count == 0 { break }
            total += count
            if direct, count % directAlignment != 0 { break }
        }
        return total
    }

    /// Fixed buffers one reading thread fills, in order, for a fixed set of consumers (hashing, writing), each of
    /// which takes every filled buffer in order; a buffer is refilled once every consumer has finished with it.
    /// With a mapping of the source there are no buffers: the slots hold slices of the mapping. The semaphores
    /// order every access to a slot, which is why the unchecked sendability is sound.
    private final class Ring: @unchecked Sendable {
        let buffers: [UnsafeMutableRawBufferPointer]
        let mapping: MappedFile?
        /// Per slot, the bytes handed on; empty marks the end.
        let chunks: UnsafeMutableBufferPointer<UnsafeRawBufferPointer>
        /// Per consumer: slots filled and not yet taken.
        let filled: [DispatchSemaphore]
        /// Per consumer: slots it has finished with.
        let finished: [DispatchSemaphore]
        /// The first error of the reader or of any consumer; everyone stops working on seeing it.
        let failure = Mutex<(any Error)?>(nil)
        var failed: Bool { failure.withLock { $0 != nil } }

        init(slots: Int, chunkSize: Int, consumers: Int, mapping: MappedFile?) {
            self.mapping = mapping
            buffers = mapping == nil ? (0..<slots).map { _ in .allocate(byteCount: chunkSize, alignment: 4096) } : []
            chunks = .allocate(capacity: slots)
            chunks.initialize(repeating: UnsafeRawBufferPointer(start: nil, count: 0))
            filled = (0..<consumers).map { _ in DispatchSemaphore(value: 0) }
            // libdispatch traps when a semaphore is disposed below its initial value, and the reader ends holding
            // slots; starting at zero and signalling up avoids that.
            finished = (0..<consumers).map { _ in
                let semaphore = DispatchSemaphore(value: 0)
                for _ in 0..<slots { semaphore.signal() }
                return semaphore
            }
        }

        /// Fills slots, each with a whole chunk but the last, until the file ends or someone fails, then hands on
        /// an empty one to mark the end. `direct`: direct I/O is on for `descriptor`.
        func fill(from descriptor: Int32, path: String, direct: Bool) {
            var direct = direct
            var slot = 0
            var offset = 0
            while true {
                finished.forEach { $0.wait() }
                var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
                if !failed {
                    do {
                        if let mapping {
                            chunk = mapping.prefetched(from: offset, count: HashingCopy.chunkSize)
                        } else {
                            let count =
                                direct
                                ? try HashingCopy.readDirect(
                                    into: buffers[slot], descriptor: descriptor, path: path, direct: &direct)
                                : try OpenFile.readFully(into: buffers[slot], descriptor: descriptor, path: path)
                            chunk = UnsafeRawBufferPointer(rebasing: buffers[slot][..<count])
                        }
                    } catch {
                        record(error)
                    }
                }
                chunks[slot] = chunk
                offset += chunk.count
                filled.forEach { $0.signal() }
                if chunk.isEmpty { return }
                slot = (slot + 1) % chunks.count
            }
        }

        /// Hands consumer `index`'s filled slots to `body` in order until the empty one marks the end; after a
        /// failure keeps taking them, unprocessed, so the reader never blocks.
        func consume(as index: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) {
            var slot = 0
            while true {
                filled[index].wait()
                let chunk = chunks[slot]
                if chunk.isEmpty { return }
                if !failed {
                    do {
                        try body(chunk)
                    } catch {
                        record(error)
                    }
                }
                finished[index].signal()
                slot = (slot + 1) % chunks.count
            }
        }

        private func record(_ error: any Error) { failure.withLock { if $0 == nil { $0 = error } } }

        func deallocate() {
            buffers.forEach { $0.deallocate() }
            chunks.deallocate()
        }
    }

    /// A read-only mapping of a whole file that does not change while it is mapped (an object): copying it needs
    /// no copy into buffers. A file truncated while mapped would fault its reader (SIGBUS), which is why only
    /// objects, never written in place, are mapped.
    private final class MappedFile: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer

        /// Maps the file open at `descriptor` as its size is now; nil where it cannot be mapped (then it is read).
        init?(_ descriptor: Int32) {
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_size > 0,
                let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_SHARED, descriptor, 0), base != MAP_FAILED
            else { return nil }
            bytes = UnsafeRawBufferPointer(start: base, count: Int(info.st_size))
            _ = madvise(base, bytes.count, MADV_SEQUENTIAL)
        }

        deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }

        /// Whether most of the file is in the page cache, judged from 16 pages spread over it (`mincore`). Where
        /// the kernel will not tell (a file the caller may not write), it answers as if all were.
        var isMostlyCached: Bool {
            guard let base = bytes.baseAddress else { return true }
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            let pages = (bytes.count + pageSize - 1) / pageSize
            let samples = 16
            var resident = 0
            var vector: UInt8 = 0
            for sample in 0..<samples {
                let page = pages * sample / samples
                guard mincore(UnsafeMutableRawPointer(mutating: base + page * pageSize), 1, &vector) == 0 else {
                    return true
                }
                resident += Int(vector & 1)
            }
            return resident * 2 >= samples
        }

        /// Up to `count` bytes from `offset` (empty past the end), with their pages mapped in by this thread
        /// (`MADV_POPULATE_READ`, where the kernel has it) so the thread that hashes them does not take the faults.
        func prefetched(from offset: Int, count: Int) -> UnsafeRawBufferPointer {
            guard offset < bytes.count, let base = bytes.baseAddress else {
                return UnsafeRawBufferPointer(start: nil, count: 0)
            }
            let chunk = UnsafeRawBufferPointer(start: base + offset, count: min(count, bytes.count - offset))
            _ = madvise(UnsafeMutableRawPointer(mutating: base + offset), chunk.count, MADV_POPULATE_READ)
            return chunk
        }
    }
}

extension HashingCopy {
    /// Copies a source that does not change while it is read (an object in a store or on a remote) and hashes
    /// it: a large one is written on another thread while this one hashes, from a mapping when it is in the page
    /// cache and read with direct I/O when it is not; a small one is read in one call (its size known) and
    /// written from that buffer.
    ///
    /// `duplicates` receive the same bytes in the same pass, each on a writing thread of its own: one read of the
    /// source instead of one per copy.
    public static func copyUnchanging(
        from source: borrowing OpenFile, to destination: borrowing OpenFile, size: Int64, duplicates: [Duplicate] = [],
        progress: ((Int) -> Void)? = nil
    ) throws -> Outcome {
        let large = size > Int64(chunkSize)
        let duplicateSinks = duplicates.map {
            Sink(descriptor: $0.descriptor, path: $0.path, direct: large && startDirectWrites($0.descriptor))
        }
        if large {
            return try hashWhileCopying(
                source, to: destination, size: size, sourceIsObject: true, duplicates: duplicateSinks,
                progress: progress)
        }
        let sink = Sink(descriptor: destination.descriptor, path: destination.path, direct: false)
        return try sequentialCopy(from: source, to: [sink] + duplicateSinks, size: size, progress: progress)
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
    /// `directWrites: false` takes the kernel's copy even where direct I/O would do. `sourceIsObject: true` (a
    /// source never written in place) avoids copying it into buffers direct I/O has just written from, which are
    /// slow to fill again (on this project's VMs the reading thread's copy into them took ~0.4 s per GiB, against
    /// ~0.1 s into buffers that were only hashed): a source mostly in the page cache is written from a mapping of
    /// it, any other is read from the device with direct I/O, into the buffers rather than into fresh page-cache
    /// memory (a cold gigabyte checked out from a mapping took 1.9–2.4 s, hashing slowed threefold by the new
    /// pages, and 1.2–1.7 s read direct).
    ///
    /// `duplicates` are further destinations written from the same buffers (or, without direct I/O, by the kernel's
    /// copy after the destination's).
    static func hashWhileCopying(
        _ source: borrowing OpenFile, to destination: borrowing OpenFile, size: Int64, directWrites: Bool = true,
        sourceIsObject: Bool = false, duplicates: [Sink] = [], progress: ((Int) -> Void)?
    ) throws -> Outcome {
        if directWrites, startDirectWrites(destination.descriptor) {
            let sinks = [Sink(descriptor: destination.descriptor, path: destination.path, direct: true)] + duplicates
            guard sourceIsObject else { return try pipelined(from: source, to: sinks, progress: progress) }
            if let mapping = MappedFile(source.descriptor), mapping.isMostlyCached {
                return try pipelined(from: source, mapping: mapping, to: sinks, progress: progress)
            }
            let directReads =
                lseek(source.descriptor, 0, SEEK_CUR) == 0 && mlops_set_direct_io(source.descriptor, 1) == 0
            return try pipelined(from: source, directReads: directReads, to: sinks, progress: progress)
        }
        for duplicate in duplicates where duplicate.direct { _ = mlops_set_direct_io(duplicate.descriptor, 0) }
        let input = source.descriptor
        let outputs = [(destination.descriptor, destination.path)] + duplicates.map { ($0.descriptor, $0.path) }
        return try ParallelWork.overlapping(
            { for (output, path) in outputs { try KernelCopy.copy(from: input, to: output, size: size, path: path) } },
            with: { try hash(source, progress: progress) })
    }
}
