import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MLOpsCore
import MLOpsErrors
import NIOCore
import NIOPosix
import HummingbirdCore
import ServiceLifecycle
import Synchronization

/// HTTP serving of registered models: the Open Inference Protocol (KServe V2), MLflow's scoring protocol and
/// Prometheus metrics, on one port.
public enum Serving {
    /// Makes SwiftNIO's event loop threads run all of the process's Swift concurrency, so a request is parsed,
    /// predicted and answered on the thread that read it instead of hopping between thread pools (this halves
    /// one-connection latency). Call it first thing in `main`, on the main thread, before any task starts,
    /// and only in a process that will serve. Returns whether it took effect.
    public static func adoptEventLoopsForConcurrency() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Loads the planned models, serves them until SIGTERM or SIGINT, then drains in-flight requests, writes
    /// the rest of the prediction log and returns.
    ///
    /// - Throws: `notFound` when a reference does not resolve, `invalidInput` for a damaged model, `failure`
    ///   when the address cannot be bound. Request-level problems never end the server: they are answered 4xx.
    public static func serve(
        repository: Repository, configuration: ServingConfiguration,
        onEvent: @escaping @Sendable (ServingEvent) -> Void
    ) async throws {
        let follower = configuration.followRemote.map { RemoteFollower(repository: repository, settings: $0) }
        // A remote that is down at start-up does not stop the server when the registry here can serve.
        if let event = await follower?.follow() { onEvent(event) }
        try await serve(
            source: RegistrySource(repository: repository), repository: repository, follower: follower,
            configuration: configuration, onEvent: onEvent)
    }

    /// Serves bundle files (absolute paths) without a repository, each under its registered name (else the
    /// file's name), as ``serve(repository:configuration:onEvent:)`` serves registered versions but without a
    /// prediction log or feedback: every bundle is verified before the port opens, and a bundle replaced while
    /// serving (atomically, as `mlops model fetch` writes it) is verified and swapped in without failing a
    /// request; a damaged replacement is reported and the loaded model keeps serving.
    ///
    /// - Throws: `notFound` for a missing file, `invalidInput` for a damaged bundle, `usage` when two bundles
    ///   hold models of one name.
    public static func serve(
        bundles: [String], configuration: ServingConfiguration, onEvent: @escaping @Sendable (ServingEvent) -> Void
    ) async throws {
        var configuration = configuration
        configuration.endpoints = try bundles.map { path in
            let bundle = try VerifiedBundle.read(path, given: path, consequence: "nothing was served")
            return EndpointPlan(
                name: bundle.name(fileName: WorkspacePath.name(path)), routes: [.init(reference: path, weight: 1)])
        }
        let names = configuration.endpoints.map(\.name)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw MLOpsError(
                .usage, "two bundles hold models named '\(repeated)'", hint: "serve them from two servers")
        }
        try await serve(
            source: BundleSource(), repository: nil, follower: nil, configuration: configuration, onEvent: onEvent)
    }

    private static func serve(
        source: any ModelSource, repository: Repository?, follower: RemoteFollower?,
        configuration: ServingConfiguration, onEvent: @escaping @Sendable (ServingEvent) -> Void
    ) async throws {
        let metrics = ServingMetrics()
        let host = try ModelHost(
            source: source, plans: configuration.endpoints, metrics: metrics, validation: configuration.validation)
        for endpoint in host.endpoints {
            for route in endpoint.routes { onEvent(.loaded(route: route.label, version: route.model.version)) }
        }
        let log = repository.flatMap { repository in
            configuration.logSampleRate > 0
                ? PredictionLogWriter(
                    repository: repository, metrics: metrics, sampleRate: configuration.logSampleRate)
                : nil
        }
        let liveDrift =
            configuration.driftWindowRows > 0
            ? try LiveDrift(source: source, registry: metrics.registry, capacity: configuration.driftWindowRows)
            : nil
        let servedModels: @Sendable () -> [ServedModel] = { host.endpoints.flatMap { $0.routes.map(\.model) } }
        servedModels().forEach { liveDrift?.prepare($0) }
        let handlers = InferenceHandlers(
            host: host, log: log, servingLog: repository?.servingLog, liveDrift: liveDrift, metrics: metrics,
            configuration: configuration)
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: BearerTokenCheck(token: configuration.token))
        handlers.register(on: router)
        router.answerOtherMethodsNotAllowed()

        var services: [any Service] = [
            BackgroundLoop {
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.pollInterval)
                    if Task.isCancelled { break }
                    let events = await withCheckedContinuation { continuation in
                        DispatchQueue.global(qos: .utility).async { continuation.resume(returning: host.refresh()) }
                    }
                    events.forEach(onEvent)
                }
            }
        ]
        if let log { services.append(BackgroundLoop { await log.run(every: .milliseconds(100)) }) }
        if let liveDrift {
            // Off the request path: a swapped-in version is prepared here, and drift is computed on a pool thread.
            services.append(
                BackgroundLoop {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: configuration.driftInterval)
                        if Task.isCancelled { break }
                        await withCheckedContinuation { continuation in
                            DispatchQueue.global(qos: .utility).async {
                                let served = servedModels()
                                liveDrift.keepOnly(served)
                                served.forEach(liveDrift.prepare)
                                liveDrift.update()
                                continuation.resume()
                            }
                        }
                    }
                })
        }
        if let follower {
            let interval = follower.settings.interval
            services.append(
                BackgroundLoop {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        if Task.isCancelled { break }
                        if let event = await follower.follow() { onEvent(event) }
                    }
                })
        }

        try await GuardedServer.run(
            router: router, host: configuration.host, port: configuration.port, limits: configuration.connections,
            services: services, onListening: { onEvent(.listening(url: $0)) })
        let counts = log?.counts ?? (written: 0, dropped: 0)
        onEvent(.stopped(logged: counts.written, dropped: counts.dropped))
    }
}

/// Merges the default remote's records into the registry; the registry watcher then swaps what moved. A failure
/// is reported once until it changes or the remote answers again; the loaded versions keep serving.
private final class RemoteFollower: Sendable {
    let repository: Repository
    let settings: ServingConfiguration.RemoteFollowing
    private let lastFailure = Mutex<String?>(nil)

    init(repository: Repository, settings: ServingConfiguration.RemoteFollowing) {
        self.repository = repository
        self.settings = settings
    }

    /// One merge; the event to report, if any.
    func follow() async -> ServingEvent? {
        do {
            _ = try await repository.followRemote(environment: settings.environment)
            lastFailure.withLock { $0 = nil }
            return nil
        } catch {
            let message = (error as? MLOpsError)?.message ?? ErrorDescription.describe(error)
            let isNew = lastFailure.withLock { last in
                defer { last = message }
                return last != message
            }
            return isNew ? .refreshFailed(route: "remote", message: message) : nil
        }
    }
}

/// A background task that runs until the server shuts down gracefully.
private struct BackgroundLoop: Service {
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}

/// Requires `Authorization: Bearer <token>` on everything but the health probes, when a token is set.
private struct BearerTokenCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let expected: [UInt8]?

    init(token: String?) { expected = token.map { Array("Bearer \($0)".utf8) } }

    static let open: Set<String> = ["/v2/health/live", "/v2/health/ready", "/ping", "/health"]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let expected, !Self.open.contains(request.uri.path) else { return try await next(request, context) }
        let given = Array((request.headers[.authorization] ?? "").utf8)
        // Compare every byte whatever the first difference, so timing does not reveal the token.
        var difference = given.count ^ expected.count
        for index in 0..<min(given.count, expected.count) { difference |= Int(given[index] ^ expected[index]) }
        guard difference == 0 else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer"
            headers[.contentType] = "application/json"
            return Response(
                status: .unauthorized, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"missing or wrong bearer token\"}")))
        }
        return try await next(request, context)
    }
}
