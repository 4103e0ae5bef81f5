import Foundation
import HTTPTypes
import Hummingbird
import MLOpsCore
import MLOpsErrors
import MLOpsServe
import NIOCore

/// `mlops ui`: a web dashboard over one repository, served from the binary (pages, stylesheet and script are
/// embedded; nothing is fetched from elsewhere). Pages are rendered on the server from `.mlops/mlops.db` and the
/// store at each request, so they show new runs without a restart; the script only refreshes them in place and
/// confirms actions. Under `/api/` the same content is JSON (docs/formats.md, "Dashboard API").
public enum Dashboard {
    /// Serves the dashboard of `repository` until SIGTERM or SIGINT.
    ///
    /// - Throws: `failure` when the address cannot be bound.
    public static func serve(
        repository: Repository, configuration: DashboardConfiguration,
        onEvent: @escaping @Sendable (DashboardEvent) -> Void
    ) async throws {
        let site = DashboardSite(repository: repository, configuration: configuration)
        // The first page of a large repository is not kept waiting for the first read of its runs.
        DispatchQueue.global(qos: .userInitiated).async { _ = try? site.catalog.snapshot() }
        let router = Router(options: .autoGenerateHeadEndpoints)
        site.register(on: router)
        router.answerOtherMethodsNotAllowed()
        let token = configuration.token
        try await GuardedServer.run(
            router: router, host: configuration.host, port: configuration.port, limits: configuration.connections,
            services: [],
            onListening: { url in
                onEvent(.listening(url: url, login: token.map { "\(url)/?token=\(HTML.urlComponent($0))" }))
            })
        onEvent(.stopped)
    }
}
