import Foundation
import HTTPTypes
import Hummingbird
import MLOpsCore
import MLOpsErrors
import NIOCore

/// The dashboard's JSON API under `/api/` (docs/formats.md, "Dashboard API"): what the pages show, with sorted
/// snake_case keys and ISO 8601 times as every `--json` output; errors as `{"error": {code, message, hint}}`.
extension DashboardSite {
    func registerAPI(on router: Router<BasicRequestContext>) {
        router.get("/api/changes") { _, _ in
            Self.json(["marker": repository.recordsChangeMarker().description])
        }
        router.get("/api/runs") { request, _ in
            try await api {
                let query = try RunsQuery(Self.query(request))
                let snapshot = try catalog.snapshot()
                let page = RunsPage(query, in: snapshot)
                if let error = page.filterError { throw MLOpsError(.usage, "bad filter: \(error)") }
                return RunsPayload(
                    matched: page.matched, groups: page.groups, offset: query.offset, limit: query.limit,
                    columns: page.columns, runs: page.rows.map(\.run))
            }
        }
        router.get("/api/runs/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await api {
                let details = try runDetails(id)
                return RunPayload(
                    run: details.run, versions: details.versions.map(\.reference), log: details.log,
                    artifactSizes: details.artifactSizes.compactMapValues { $0 })
            }
        }
        router.get("/api/compare") { request, _ in
            try await api { try comparedRuns(request) }
        }
        router.get("/api/models") { _, _ in try await api { try repository.registry.models() } }
        router.get("/api/models/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            return try await api {
                let view = try modelView(name, writable: false)
                return ModelPayload(
                    name: name, versions: view.versions, history: view.history, evaluations: view.evaluations)
            }
        }
        for action in ModelAction.allCases {
            router.post("/api/models/:name/\(action.rawValue)") { request, context in
                let name = context.parameters.get("name") ?? ""
                let text = try await body(of: request)
                return try await api {
                    let form: QueryString
                    do {
                        let fields = try JSONDecoder().decode(ActionRequest.self, from: Data(text.utf8))
                        var pairs: [(name: String, value: String)] = [("alias", fields.alias)]
                        if let version = fields.version { pairs.append(("version", String(version))) }
                        if let reason = fields.reason { pairs.append(("reason", reason)) }
                        form = QueryString(pairs: pairs)
                    } catch {
                        throw MLOpsError(
                            .usage, "the body is not the JSON object expected",
                            hint: #"send {"alias": "production", "version": 3, "reason": "…"} (version for promote)"#)
                    }
                    return try perform(action, on: name, form: form)
                }
            }
        }
        router.get("/api/pipeline") { _, _ in
            try await api {
                let view = PipelineView(repository: repository, runs: try catalog.snapshot().runs)
                if let problem = view.problem { throw MLOpsError(.invalidInput, "\(PipelineFile.name): \(problem)") }
                return view.stages.enumerated().map { index, entry in
                    StagePayload(
                        name: entry.stage.name, state: entry.state, reason: entry.staleReason, deps: entry.stage.deps,
                        outs: entry.stage.outs, upstream: view.upstream[index].map { view.stages[$0].stage.name },
                        lastRun: entry.lastRun?.id)
                }
            }
        }
        router.get("/api/data") { request, _ in
            try await api(awaiting: {
                let view = try await dataView(compareRemote: Self.query(request)["remote"] == "1")
                return DataPayload(
                    targets: view.entries, status: view.status, remote: view.remote, remoteError: view.remoteProblem)
            })
        }
        router.get("/api/serving") { request, _ in
            try await api {
                try servingData(Self.query(request)).summary
            }
        }
    }

    // MARK: Payloads

    struct RunsPayload: Encodable {
        var matched: Int
        /// Top-level rows (a tune run with its trials counts once): what `offset` and `limit` page through.
        var groups: Int
        var offset: Int
        var limit: Int
        var columns: [String]
        var runs: [Run]
    }

    struct RunPayload: Encodable {
        var run: Run
        /// The registered versions it produced (`name@version`).
        var versions: [String]
        /// The end of a stage run's log.
        var log: StageLogTail?
        /// Bytes per artifact, for those in the cache.
        var artifactSizes: [String: Int64]
    }

    struct ModelPayload: Encodable {
        var name: String
        var versions: [ModelVersion]
        var history: [RegistryEvent]
        var evaluations: [Run]
    }

    struct ActionRequest: Decodable {
        var alias: String
        var version: Int?
        var reason: String?
    }

    struct StagePayload: Encodable {
        var name: String
        var state: String
        var reason: String?
        var deps: [String]
        var outs: [String]
        var upstream: [String]
        var lastRun: String?
    }

    struct DataPayload: Encodable {
        var targets: [TrackedEntry]
        var status: WorkspaceStatus
        var remote: RemoteStatusReport?
        var remoteError: String?
    }

    // MARK: Answering

    /// Answers with `build`'s value as JSON, or the error document with the status its code maps to.
    private func api<Value: Encodable & Sendable>(
        awaiting build: @escaping @Sendable () async throws -> Value
    ) async throws -> Response {
        do {
            return Self.json(try await build())
        } catch let error as MLOpsError {
            return Self.errorJSON(
                code: error.code.rawValue, message: error.message, hint: error.hint, status: Self.status(for: error))
        }
    }

    /// The same, for a value read from the repository on a pool thread.
    private func api<Value: Encodable & Sendable>(_ build: @escaping @Sendable () throws -> Value) async throws
        -> Response
    {
        try await api(awaiting: { try await Self.blocking(build) })
    }

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value) else {
            return Response(
                status: .internalServerError, headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: #"{"error":{"code":"failure","message":"the answer could not be encoded"}}"#)))
        }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func errorJSON(
        code: String, message: String, hint: String? = nil, status: HTTPResponse.Status
    ) -> Response {
        json(ErrorDocument(error: .init(code: code, message: message, hint: hint)), status: status)
    }

    /// `{"error": {code, message, hint}}`.
    private struct ErrorDocument: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var hint: String?
        }
        var error: Detail
    }
}
