#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors

/// The repository's advisory write lock (`.mlops/lock`), held by every command that changes state.
///
/// It is an `flock`, so the kernel releases it when the holder exits or is killed: there are no stale locks to
/// clean up. The holder writes its pid and command into the file so a waiting process can say who it waits for.
/// Readers never take it.
public final class RepositoryLock {
    private let descriptor: Int32

    /// The default bounded wait; `MLOPS_LOCK_TIMEOUT` (seconds) overrides it.
    public static let defaultTimeout: TimeInterval = 30

    /// Takes the lock of the repository whose metadata directory is `metadataDirectory`, waiting at most
    /// `timeout` seconds; throws `.locked` naming the holder's pid and command when it stays taken.
    public init(metadataDirectory: String, purpose: String, timeout: TimeInterval, name: String = "lock") throws {
        let path = metadataDirectory + "/" + name
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw MLOpsError.system("open the lock", path: path, errno: errno) }
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 2_000
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                let holder = Self.describeHolder(descriptor)
                close(descriptor)
                throw MLOpsError(
                    .locked, "the repository is locked by \(holder); waited \(Int(timeout)) s",
                    hint: "wait for that command to finish (or set MLOPS_LOCK_TIMEOUT to wait longer)")
            }
            usleep(pause)
            pause = min(pause * 2, 100_000)
        }
        let record = "\(getpid()) \(purpose)\n"
        ftruncate(descriptor, 0)
        _ = record.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        self.descriptor = descriptor
    }

    deinit {
        // Clearing the record first keeps a later reader from blaming an exited process.
        ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func describeHolder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let record = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        let parts = record.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 1)
        guard let pid = parts.first else { return "another mlops process" }
        let command = parts.count > 1 ? " (mlops \(parts[1]))" : ""
        return "pid \(pid)\(command)"
    }
}

extension Repository {
    /// Takes the write lock for `purpose` (a command name, shown to waiting processes), honoring
    /// `MLOPS_LOCK_TIMEOUT`. Release it by dropping the returned value.
    public func lock(for purpose: String) throws -> RepositoryLock {
        var timeout = RepositoryLock.defaultTimeout
        if let text = ProcessInfo.processInfo.environment["MLOPS_LOCK_TIMEOUT"] {
            guard let seconds = TimeInterval(text), seconds.isFinite, (0...31_536_000).contains(seconds) else {
                throw MLOpsError(
                    .usage, "MLOPS_LOCK_TIMEOUT is '\(text)', not a number of seconds",
                    hint: "set it to seconds to wait for the lock, such as MLOPS_LOCK_TIMEOUT=120, or unset it")
            }
            timeout = seconds
        }
        return try RepositoryLock(metadataDirectory: metadataDirectory, purpose: purpose, timeout: timeout)
    }
}
