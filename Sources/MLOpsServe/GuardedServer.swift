import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MLOpsErrors
import NIOCore
import ServiceLifecycle

/// The HTTP server under `mlops serve` and `mlops ui`: Hummingbird behind a ``ConnectionGuard`` on every
/// connection, so both survive slow and greedy clients the same way.
package enum GuardedServer {
    /// Serves `router` on `host:port` (port 0: any free one) with `services` beside it until SIGTERM or SIGINT,
    /// then drains in-flight requests and returns. `onListening` gets the URL once the socket is bound.
    ///
    /// - Throws: `failure` when the address cannot be bound.
    package static func run(
        router: Router<BasicRequestContext>, host: String, port: Int, limits: ConnectionLimits,
        services: [any Service], onListening: @escaping @Sendable (String) -> Void
    ) async throws {
        var logger = Logger(label: "mlops.http")
        logger.logLevel = .critical
        let gate = ConnectionGate(limit: limits.maximumConnections)
        allowDescriptors(limits.maximumConnections + descriptorReserve)
        let application = Application(
            router: router,
            // One guard per connection (the closure runs for each); Hummingbird's own idle timeout is off because
            // it would close a slow head without the 408 the guard answers.
            server: .http1(
                configuration: .init(additionalChannelHandlers: [ConnectionGuard(limits: limits, gate: gate)])),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "mlops",
                // A hard cap on sockets: past it, accepting pauses (the guard answers 503 well before).
                availableConnectionsDelegate: MaximumAvailableConnections(
                    limits.maximumConnections + descriptorReserve / 2)),
            services: services,
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(bound)")
            },
            logger: logger)
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch let error as IOError {
            throw MLOpsError(
                .failure, "cannot listen on \(host):\(port): \(error.description)",
                hint: "choose another --port, or stop what holds this one")
        }
    }

    /// Descriptors kept beyond the connection limit: the database, the store, connections over the limit that
    /// are being answered 503.
    static let descriptorReserve = 256

    /// Raises the soft limit on open files toward `count` (up to the hard limit): Linux's default of 1,024 is
    /// below the default connection limit plus what the process itself holds.
    private static func allowDescriptors(_ count: Int) {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_RESOURCE, &limit) == 0, limit.rlim_cur < rlim_t(count) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(count))
        setrlimit(RLIMIT_NOFILE_RESOURCE, &limit)
    }

    #if canImport(Glibc)
        private static let RLIMIT_NOFILE_RESOURCE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let RLIMIT_NOFILE_RESOURCE = RLIMIT_NOFILE
    #endif
}
