#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// A TCP connection to a port on 127.0.0.1 that sends exactly the bytes a test gives it, for clients no HTTP
/// library would be: half-sent heads, trickled bodies, connections that say nothing.
public final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects to `port` on 127.0.0.1; nil when the connection is refused.
    public init?(port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard descriptor >= 0, connected == 0 else {
            close(descriptor)
            return nil
        }
    }

    deinit { close(descriptor) }

    /// Sends `text`; false when the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            == text.utf8.count
    }

    /// Reads until the server closes the connection or `timeout` seconds pass; returns what arrived and when the
    /// connection closed (nil if it stayed open), in seconds from the call.
    public func readUntilClosed(timeout: Double) -> (text: String, closedAfter: Double?) {
        let started = Date()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = timeout - Date().timeIntervalSince(started)
            guard remaining > 0 else { return (String(decoding: received, as: UTF8.self), nil) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000)) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), Date().timeIntervalSince(started)) }
            received += buffer[..<count]
        }
    }
}
