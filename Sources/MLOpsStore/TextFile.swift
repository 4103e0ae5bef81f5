#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

/// Reads the small text files users edit (pointer files, `mlops.yaml`, `params.yaml`, configuration), telling
/// apart a file that is absent, one that cannot be read and one that is not text.
public enum TextFile {
    /// The largest text file read: these files are a few kilobytes, and a huge one is a mistake.
    public static let maximumBytes = 64 << 20

    /// The UTF-8 text of the file at `path`; `name` identifies it in errors.
    ///
    /// - Throws: `notFound` when nothing is there; `invalidInput` when it is a directory, larger than
    ///   ``maximumBytes``, or not UTF-8 text (invalid UTF-8 or a NUL byte); `failure` when it cannot be read.
    public static func read(_ path: String, name: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MLOpsError.system("read", path: name, errno: errno) }
        let file = OpenFile(descriptor: descriptor, path: name)
        let info = try file.status()
        guard info.st_mode & S_IFMT != S_IFDIR else {
            throw MLOpsError(.invalidInput, "'\(name)' is a directory, not a text file")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= maximumBytes else {
                throw MLOpsError(
                    .invalidInput, "'\(name)' is larger than \(maximumBytes >> 20) MiB; it cannot be this file")
            }
        }
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw MLOpsError(
                .invalidInput, "'\(name)' is not a text file (it is binary or not UTF-8)",
                hint: "restore it, or write it as UTF-8 text")
        }
        return text
    }

    /// Like ``read(_:name:)``, but nil when nothing is at `path`.
    public static func readIfPresent(_ path: String, name: String) throws -> String? {
        do {
            return try read(path, name: name)
        } catch let error as MLOpsError where error.code == .notFound {
            return nil
        }
    }
}
