import Foundation
import HTTPTypes
import Hummingbird
import MLOpsCore
import MLOpsErrors
import MLOpsStore
import NIOCore

/// The dashboard's routes: each page at its path and its JSON at the same path under `/api`, both built from the
/// same reads. Every repository read runs on a thread of its own, never on the event loop.
struct DashboardSite: Sendable {
    let repository: Repository
    let catalog: RunCatalog
    let policy: AccessPolicy
    let configuration: DashboardConfiguration

    init(repository: Repository, configuration: DashboardConfiguration) {
        self.repository = repository
        self.configuration = configuration
        catalog = RunCatalog(repository: repository)
        policy = AccessPolicy(host: configuration.host, token: configuration.token)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.add(middleware: SiteGuard(policy: policy))
        router.get("/assets/style.css") { _, _ in Self.asset(PackageResources.style_css, type: "text/css") }
        router.get("/assets/app.js") { _, _ in Self.asset(PackageResources.app_js, type: "text/javascript") }

        router.get("/") { request, _ in try await page(request, .runs, reading: { try runsPage(request) }) }
        router.get("/runs") { request, _ in try await page(request, .runs, reading: { try runsPage(request) }) }
        router.get("/runs/:id") { request, context in
            try await page(request, .runs, reading: { try runPage(context.parameters.get("id") ?? "") })
        }
        router.get("/compare") { request, _ in
            try await page(request, .runs, reading: { try comparePage(request) })
        }
        router.get("/models") { request, _ in
            try await page(
                request, .models, reading: { ("Models", ModelsView(models: try repository.registry.models()).render()) }
            )
        }
        router.get("/models/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            return try await page(
                request, .models, reading: { try modelPage(name, writable: policy.presentsToken(request)) })
        }
        for action in ModelAction.allCases {
            router.post("/models/:name/\(action.rawValue)") { request, context in
                let name = context.parameters.get("name") ?? ""
                let form = QueryString(Substring(try await body(of: request)))
                return try await page(
                    request, .models,
                    reading: {
                        let outcome: ModelView.ActionOutcome
                        var status = HTTPResponse.Status.ok
                        do {
                            let change = try perform(action, on: name, form: form)
                            outcome = .init(succeeded: true, message: describe(change, action))
                        } catch let error as MLOpsError {
                            outcome = .init(succeeded: false, message: Self.text(of: error))
                            status = Self.status(for: error)
                        }
                        var rendered = try modelPage(name, writable: true, outcome: outcome)
                        rendered.status = status
                        rendered.canonicalPath = "/models/" + HTML.urlComponent(name)
                        return rendered
                    })
            }
        }
        router.get("/pipeline") { request, _ in
            try await page(
                request, .pipeline,
                reading: {
                    ("Pipeline", PipelineView(repository: repository, runs: try catalog.snapshot().runs).render())
                })
        }
        router.get("/data") { request, _ in
            try await page(
                request, .data,
                awaiting: {
                    let view = try await dataView(compareRemote: Self.query(request)["remote"] == "1")
                    return Rendered(title: "Data", content: view.render())
                })
        }
        router.get("/serving") { request, _ in
            try await page(request, .serving, reading: { try servingView(Self.query(request)) })
        }

        registerAPI(on: router)
    }

    // MARK: Pages

    /// A rendered page: its title, content, and the status to answer with.
    struct Rendered {
        var title: String
        var content: String
        var status: HTTPResponse.Status = .ok
        /// See ``PageLayout/canonicalPath``.
        var canonicalPath: String?
    }

    /// Answers with the page `build` makes, or the error page with the status the error's code maps to.
    private func page(
        _ request: Request, _ section: PageLayout.Section,
        awaiting build: @escaping @Sendable () async throws -> Rendered
    ) async throws -> Response {
        // Read before the page so that a change made while it is built shows at the next refresh; a form post's
        // page is read after, or its own change would make the script read the page again.
        let before = request.method == .post ? nil : repository.recordsChangeMarker()
        let writable = policy.presentsToken(request)
        var rendered: Rendered
        do {
            rendered = try await build()
        } catch let error as MLOpsError {
            let content =
                "<h1>\(HTML.escape(Self.heading(for: error)))</h1>\n<p class=\"error\" role=\"alert\">"
                + "\(HTML.escape(Self.text(of: error)))</p>\n"
            rendered = Rendered(title: "Error", content: content, status: Self.status(for: error))
        }
        let layout = PageLayout(
            title: rendered.title, section: section, content: rendered.content,
            marker: (before ?? repository.recordsChangeMarker()).description, repository: repository.root,
            writable: writable,
            canonicalPath: rendered.canonicalPath)
        return Self.html(layout.render(), status: rendered.status)
    }

    /// A page whose content is read from the repository on a pool thread.
    private func page(
        _ request: Request, _ section: PageLayout.Section, reading build: @escaping @Sendable () throws -> Rendered
    ) async throws -> Response {
        try await page(request, section, awaiting: { try await Self.blocking(build) })
    }

    private func page(
        _ request: Request, _ section: PageLayout.Section,
        reading build: @escaping @Sendable () throws -> (String, String)
    ) async throws -> Response {
        try await page(
            request, section,
            reading: { () throws -> Rendered in
                let (title, content) = try build()
                return Rendered(title: title, content: content)
            })
    }

    private func runsPage(_ request: Request) throws -> Rendered {
        let queryString = Self.query(request)
        let query = try RunsQuery(queryString)
        let snapshot = try catalog.snapshot()
        let page = RunsPage(query, in: snapshot)
        let view = RunsView(page: page, query: query, queryString: queryString, snapshot: snapshot)
        return Rendered(title: "Runs", content: view.render())
    }

    private func runPage(_ reference: String) throws -> Rendered {
        let details = try runDetails(reference)
        return Rendered(title: details.run.name, content: details.render())
    }

    func runDetails(_ reference: String) throws -> RunView {
        let run = try repository.runs.run(reference)
        var sizes: [String: Int64?] = [:]
        for artifact in run.artifacts {
            sizes[artifact.name] = (try? ObjectID(parsing: artifact.oid)).flatMap { repository.store.size(of: $0) }
        }
        let snapshot = try catalog.snapshot()
        let related: [Run]
        if run.kind == .tune {
            related = (snapshot.children[run.id] ?? []).compactMap { snapshot.positions[$0].map { snapshot.runs[$0] } }
        } else {
            related = run.parent.flatMap { snapshot.positions[$0] }.map { [snapshot.runs[$0]] } ?? []
        }
        return RunView(
            run: run, versions: try repository.registry.versions(producedBy: run.id),
            log: run.kind == .stage ? try repository.stageLog(runID: run.id) : nil, artifactSizes: sizes,
            related: related)
    }

    func comparedRuns(_ request: Request) throws -> [Run] {
        var seen = Set<String>()
        let ids = Self.query(request).all("run").filter { seen.insert($0).inserted }
        guard ids.count >= 1 else {
            throw MLOpsError(.usage, "no run to compare", hint: "check two or more runs on the runs page")
        }
        guard ids.count <= CompareView.maximumRuns else {
            throw MLOpsError(.usage, "\(ids.count) runs chosen; compare at most \(CompareView.maximumRuns) at once")
        }
        return try ids.map { try repository.runs.run($0) }
    }

    private func comparePage(_ request: Request) throws -> Rendered {
        Rendered(title: "Compare", content: CompareView(runs: try comparedRuns(request)).render())
    }

    func modelView(_ name: String, writable: Bool, outcome: ModelView.ActionOutcome? = nil) throws -> ModelView {
        let versions = try repository.registry.versions(of: name)
        let prefix = name + "@"
        let evaluations = try catalog.snapshot().runs.filter {
            $0.kind == .eval && ($0.tags["model_version"]?.hasPrefix(prefix) ?? false)
        }
        return ModelView(
            name: name, versions: versions, history: try repository.registry.history(of: name),
            evaluations: evaluations, writable: writable && policy.token != nil, outcome: outcome)
    }

    private func modelPage(_ name: String, writable: Bool, outcome: ModelView.ActionOutcome? = nil) throws -> Rendered {
        Rendered(title: name, content: try modelView(name, writable: writable, outcome: outcome).render())
    }

    /// Promote and rollback, through the same library calls as `mlops model promote` and `mlops model rollback`.
    enum ModelAction: String, CaseIterable, Sendable {
        case promote, rollback
    }

    func perform(_ action: ModelAction, on name: String, form: QueryString) throws -> AliasChange {
        guard let alias = form["alias"], !alias.isEmpty else {
            throw MLOpsError(.usage, "no alias given", hint: "choose the alias to move, such as production")
        }
        let reason = form["reason"].flatMap { $0.isEmpty ? nil : $0 }
        switch action {
        case .promote:
            guard let version = form["version"], let number = Int(version), number > 0 else {
                throw MLOpsError(.usage, "no version given", hint: "choose the version to promote")
            }
            return try repository.promote("\(name)@\(number)", to: alias, reason: reason)
        case .rollback:
            return try repository.rollback(name, alias: alias, reason: reason)
        }
    }

    private func describe(_ change: AliasChange, _ action: ModelAction) -> String {
        guard change.changed else { return "\(change.name)@\(change.toVersion) already is \(change.alias)." }
        let from = change.fromVersion.map { " (was \($0))" } ?? ""
        let verb = action == .promote ? "promoted to" : "rolled back:"
        var text = "\(change.name)@\(change.toVersion) \(verb) \(change.alias)\(from)."
        if let approval = change.approval { text += " Approval gates passed (\(approval.gates.count))." }
        return text
    }

    func dataView(compareRemote: Bool) async throws -> DataView {
        let repository = self.repository
        var view = try await Self.blocking {
            DataView(
                entries: try repository.list(relativeTo: repository.root),
                status: try repository.status(relativeTo: repository.root), remote: nil)
        }
        if compareRemote {
            do {
                view.remote = try await repository.remoteStatus(
                    TransferOptions(
                        paths: nil, workingDirectory: repository.root, environment: configuration.environment))
            } catch let error as MLOpsError {
                view.remoteProblem = Self.text(of: error)
            }
        }
        return view
    }

    /// The serving log's summary over the `window` the query names (the last hour by default), and the monitoring
    /// checks.
    func servingData(_ query: QueryString) throws -> (summary: ServingSummary, checks: [Run], window: String) {
        let name = query["window"] ?? "1h"
        guard let window = ServingView.windows.first(where: { $0.name == name }) else {
            throw MLOpsError(
                .usage, "unknown window '\(name)'",
                hint: "windows are \(ServingView.windows.map(\.name).joined(separator: ", "))")
        }
        let until = Date()
        let since = until.addingTimeInterval(-window.seconds)
        let timings = try repository.servingLog.timings(since: since, until: until)
        let checks = try catalog.snapshot().runs.filter { $0.kind == .monitor }
        return (ServingSummary(timings, since: since, until: until), checks, name)
    }

    private func servingView(_ query: QueryString) throws -> Rendered {
        let data = try servingData(query)
        let view = ServingView(summary: data.summary, checks: data.checks, window: data.window)
        return Rendered(title: "Serving", content: view.render())
    }

    // MARK: Responses

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type + "; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func query(_ request: Request) -> QueryString { QueryString(Substring(request.uri.query ?? "")) }

    /// The request body as text, at most ``DashboardConfiguration/maximumBodyBytes``.
    ///
    /// - Throws: `HTTPError` 413 for a larger body, 400 when it cannot be read.
    func body(of request: Request) async throws -> String {
        let limit = configuration.maximumBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(
                .contentTooLarge, message: "the body has \(length) bytes; the dashboard takes at most \(limit)")
        }
        do {
            return String(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(limit) bytes")
        } catch {
            throw HTTPError(.badRequest, message: "the body could not be read")
        }
    }

    /// An error as a sentence with its fix.
    static func text(of error: MLOpsError) -> String {
        error.message + (error.hint.map { ". Hint: \($0)" } ?? "")
    }

    static func heading(for error: MLOpsError) -> String {
        switch error.code {
        case .notFound: return "Not found"
        case .usage: return "Bad request"
        case .gateFailed: return "Refused by a gate"
        default: return "Error"
        }
    }

    static func status(for error: MLOpsError) -> HTTPResponse.Status {
        switch error.code {
        case .notFound: return .notFound
        case .usage, .invalidInput: return .badRequest
        case .invalidState, .conflict, .gateFailed, .locked: return .conflict
        default: return .internalServerError
        }
    }

    /// Runs `body` on a thread of the global pool: repository reads block, and the event loop must not.
    static func blocking<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try body() }) }
        }
    }
}
