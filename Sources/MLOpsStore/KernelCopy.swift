#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CSyncFS
import MLOpsErrors

/// Copies bytes between descriptors without passing them through user space where the kernel allows it.
enum KernelCopy {
    /// Copies `size` bytes from offset 0 of `input` to offset 0 of `output`, leaving both descriptors' file
    /// offsets alone (another thread may be reading `input` sequentially).
    static func copy(from input: Int32, to output: Int32, size: Int64, path: String) throws {
        var inputOffset: Int64 = 0
        var outputOffset: Int64 = 0
        while inputOffset < size {
            let count = mlops_copy_file_range(input, &inputOffset, output, &outputOffset, UInt(size - inputOffset))
            if count > 0 { continue }
            if count == 0 { break }
            if errno == EINTR { continue }
            if [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) {
                return try copyThroughBuffer(from: input, to: output, offset: inputOffset, size: size, path: path)
            }
            throw MLOpsError.system("copy", path: path, errno: errno)
        }
    }

    private static func copyThroughBuffer(from input: Int32, to output: Int32, offset: Int64, size: Int64, path: String)
        throws
    {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: HashingCopy.chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        var position = offset
        while position < size {
            let count = pread(input, buffer.baseAddress, min(buffer.count, Int(size - position)), off_t(position))
            if count < 0 {
                if errno == EINTR { continue }
                throw MLOpsError.system("read", path: path, errno: errno)
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = pwrite(
                    output, buffer.baseAddress.map { $0 + written }, count - written, off_t(position) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw MLOpsError.system("write", path: path, errno: errno)
                }
                written += result
            }
            position += Int64(count)
        }
    }
}
