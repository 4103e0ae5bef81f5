#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Where a command's text goes: a file descriptor in the real tool, a buffer in tests.
public protocol TextOutput: Sendable {
    /// Writes `text` as is (no newline is added).
    func write(_ text: String)
    /// Whether a person is watching: decides colors and progress bars.
    var isTerminal: Bool { get }
}

/// Text written straight to a file descriptor (standard output or error).
public struct FileDescriptorOutput: TextOutput {
    /// The descriptor written to.
    public let descriptor: Int32
    public let isTerminal: Bool

    /// Output to `descriptor`, detecting whether it is a terminal.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        self.isTerminal = isatty(descriptor) == 1
    }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                // A closed pipe (`mlops ls | head`) is not worth crashing over; stop writing.
                if count <= 0 { return }
                offset += count
            }
        }
    }
}

/// Text collected in memory, for tests and for embedding the CLI in another program.
public final class CapturedOutput: TextOutput {
    private let buffer = Mutex("")
    public let isTerminal: Bool

    /// An empty capture; `isTerminal` pretends a person is watching.
    public init(isTerminal: Bool = false) { self.isTerminal = isTerminal }

    public func write(_ text: String) { buffer.withLock { $0 += text } }

    /// Everything written so far.
    public var text: String { buffer.withLock { $0 } }
}
