#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// The process that records a running run, identified so that a reused process id is not mistaken for it: the
/// id and the process's start time in clock ticks since boot (`/proc/<pid>/stat`, field 22), written `pid:start`.
struct RunProcess: Equatable {
    let pid: Int32
    let start: UInt64

    /// This process, or nil where `/proc` is not available.
    static let current: RunProcess? = RunProcess(pid: getpid())

    /// The form stored in `runs.process`.
    var recorded: String { "\(pid):\(start)" }

    init?(pid: Int32) {
        guard let start = Self.startTime(of: pid) else { return nil }
        self.pid = pid
        self.start = start
    }

    /// Parses the stored form; nil for runs recorded before processes were (or on systems without `/proc`).
    init?(recorded: String?) {
        guard let parts = recorded?.split(separator: ":"), parts.count == 2, let pid = Int32(parts[0]),
            let start = UInt64(parts[1])
        else { return nil }
        self.pid = pid
        self.start = start
    }

    /// Whether this process still runs: its id exists and started at the same time.
    var isAlive: Bool { Self.startTime(of: pid) == start }

    private static func startTime(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces and parentheses) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
