import Foundation
import HTTPTypes
import Hummingbird
import MLOpsCore
import NIOCore

/// The routes: each parses, finds the model, predicts and answers; request problems become 4xx JSON errors.
struct InferenceHandlers: Sendable {
    let host: ModelHost
    let log: PredictionLogWriter?
    /// Where feedback labels are matched with logged requests; nil when the server keeps no log at all
    /// (`serve --bundle`).
    let servingLog: ServingLog?
    let liveDrift: LiveDrift?
    let metrics: ServingMetrics
    let configuration: ServingConfiguration
    /// The sticky-routing header, parsed once rather than per request.
    private let stickyHeader: HTTPField.Name?

    init(
        host: ModelHost, log: PredictionLogWriter?, servingLog: ServingLog?, liveDrift: LiveDrift?,
        metrics: ServingMetrics, configuration: ServingConfiguration
    ) {
        self.host = host
        self.log = log
        self.servingLog = servingLog
        self.liveDrift = liveDrift
        self.metrics = metrics
        self.configuration = configuration
        stickyHeader = HTTPField.Name(configuration.stickyHeader)
    }

    private static let requestIDHeader = HTTPField.Name.known("x-request-id")
    private static let versionHeader = HTTPField.Name.known("x-mlops-model-version")
    private static let binaryHeaderLength = HTTPField.Name.known("inference-header-content-length")

    private enum WireProtocol: String {
        case openInference = "v2"
        case mlflow

        func errorBody(_ message: String, status: HTTPResponse.Status) -> [UInt8] {
            var json = JSONWriter()
            switch self {
            case .openInference:
                json.raw("{\"error\":")
                json.string(message)
            case .mlflow:
                json.raw("{\"error_code\":")
                json.string(status.code == 404 ? "RESOURCE_DOES_NOT_EXIST" : "BAD_REQUEST")
                json.raw(",\"message\":")
                json.string(message)
            }
            json.raw("}")
            return json.bytes
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2") { _, _ in
            var json = JSONWriter()
            json.raw("{\"name\":\"mlops\",\"version\":")
            json.string(ToolVersion.current)
            json.raw(",\"extensions\":[\"binary_tensor_data\"]}")
            return Self.json(json.bytes)
        }
        router.get("/v2/health/live") { _, _ in Self.json(Array("{\"live\":true}".utf8)) }
        router.get("/v2/health/ready") { _, _ in Self.json(Array("{\"ready\":true}".utf8)) }
        router.get("/v2/models/:name") { _, context in
            metadata(context.parameters.get("name"), version: nil)
        }
        router.get("/v2/models/:name/versions/:version") { _, context in
            metadata(context.parameters.get("name"), version: context.parameters.get("version"))
        }
        router.get("/v2/models/:name/ready") { _, context in
            readiness(context.parameters.get("name"), version: nil)
        }
        router.get("/v2/models/:name/versions/:version/ready") { _, context in
            readiness(context.parameters.get("name"), version: context.parameters.get("version"))
        }
        router.post("/v2/models/:name/infer") { request, context in
            await infer(request, name: context.parameters.get("name"), version: nil, wire: .openInference)
        }
        router.post("/v2/models/:name/versions/:version/infer") { request, context in
            await infer(
                request, name: context.parameters.get("name"), version: context.parameters.get("version"),
                wire: .openInference)
        }
        router.post("/v2/models/:name/feedback") { request, _ in await feedback(request) }
        router.post("/feedback") { request, _ in await feedback(request) }
        router.post("/invocations") { request, _ in
            await infer(request, name: request.uri.queryParameters.get("model"), version: nil, wire: .mlflow)
        }
        for path in ["/ping", "/health"] {
            router.get(RouterPath(stringLiteral: path)) { _, _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "\n")))
            }
        }
        router.get("/version") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: ToolVersion.current)))
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }

    // MARK: Inference

    private func infer(_ request: Request, name: String?, version: String?, wire: WireProtocol) async -> Response {
        let started = ContinuousClock.now
        let received = Date()
        // Only served names become metric labels, so unknown names cannot grow the metrics without bound.
        var modelLabel = ""
        var versionLabel = ""
        do {
            let endpoint = try endpoint(name)
            modelLabel = endpoint.name
            let route =
                try version.map { version throws(RequestError) in try Self.route(in: endpoint, version: version) }
                ?? endpoint.choose(key: stickyHeader.flatMap { request.headers[$0] }.map { Substring($0) })
            let model = route.model
            versionLabel = String(model.version)
            if wire == .mlflow, let type = request.headers[.contentType], !type.hasPrefix("application/json") {
                throw RequestError(.unsupportedMediaType, "send application/json (got \(type))")
            }
            let body = try await collect(request)
            let rows: InputRows
            var clientID: String?
            var requestedOutputs: [String]?
            switch wire {
            case .openInference:
                let jsonLength = request.headers[Self.binaryHeaderLength].map { Int($0) ?? -1 }
                let decoded = try OpenInferenceRequest(
                    body: body, jsonLength: jsonLength, model: model, maximumRows: configuration.maximumBatchRows)
                (rows, clientID, requestedOutputs) = (decoded.rows, decoded.id, decoded.requestedOutputs)
            case .mlflow:
                rows = try MLflowScoringRequest.decode(
                    body.readableBytesView, model: model, maximumRows: configuration.maximumBatchRows)
            }
            var violations = RequestViolations()
            if let contract = model.contract {
                violations = contract.violations(in: rows)
                if !violations.isEmpty {
                    if host.validation?.mode == .reject { throw contract.refusal(violations) }
                    metrics.recordViolations(violations.counts, model: model)
                }
            }
            let predictions: [Double]
            do {
                predictions = try model.compiled.predict(encodedRows: rows.values).values
            } catch {
                // Only an ONNX graph refuses rows: invalid input (a category its encoder rejects, a fraction for an
                // integer input) is the request's fault; anything else is the server's.
                guard error.code == .invalidInput else { throw RequestError(.internalServerError, error.message) }
                throw RequestError.badRequest(error.message)
            }
            let responseBody =
                wire == .openInference
                ? PredictionRendering.openInference(
                    predictions, of: model, id: clientID, requestedOutputs: requestedOutputs)
                : PredictionRendering.mlflow(predictions, of: model)
            let headerID = request.headers[Self.requestIDHeader]
            if let headerID, headerID.utf8.count > OpenInferenceRequest.maximumIdLength {
                throw RequestError.badRequest(
                    "the X-Request-ID header is longer than \(OpenInferenceRequest.maximumIdLength) bytes")
            }
            var requestID = headerID ?? clientID
            finish(
                route: route, wire: wire, rows: rows, predictions: predictions, violations: violations,
                requestID: &requestID, received: received, started: started)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[Self.versionHeader] = model.reference
            if let requestID { headers[Self.requestIDHeader] = requestID }
            metrics.recordRequest(
                model: modelLabel, version: versionLabel, protocolName: wire.rawValue, status: 200,
                duration: ContinuousClock.now - started)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: responseBody)))
        } catch {
            let problem = error as? RequestError ?? RequestError(.internalServerError, "\(error)")
            metrics.recordRequest(
                model: modelLabel, version: versionLabel, protocolName: wire.rawValue, status: problem.status.code,
                duration: ContinuousClock.now - started)
            return Self.json(wire.errorBody(problem.message, status: problem.status), status: problem.status)
        }
    }

    /// Counts rows and queues the log entry; gives the request an id when it has none and it is logged.
    private func finish(
        route: ModelHost.Route, wire: WireProtocol, rows: InputRows, predictions: [Double],
        violations: RequestViolations, requestID: inout String?, received: Date, started: ContinuousClock.Instant
    ) {
        let model = route.model
        metrics.recordRows(model: model.name, version: String(model.version), count: rows.rowCount)
        liveDrift?.observe(model, rows: rows, predictions: predictions)
        guard let log, log.shouldSample else { return }
        let id = requestID ?? UUID().uuidString.lowercased()
        requestID = id
        log.record(
            .init(
                requestID: id, model: model, route: route.label, protocolName: wire.rawValue, received: received,
                latency: ContinuousClock.now - started, rows: rows, predictions: predictions,
                violations: violations.first))
    }

    /// The endpoint serving `name`, or the only one when no name is given (MLflow's `/invocations`).
    private func endpoint(_ name: String?) throws(RequestError) -> ModelHost.Endpoint {
        guard let name else {
            guard host.names.count == 1, let only = host.endpoint(host.names[0]) else {
                throw .badRequest(
                    "this server serves several models (\(host.names.joined(separator: ", "))); name one: /invocations?model=<name>"
                )
            }
            return only
        }
        guard let endpoint = host.endpoint(name) else {
            throw RequestError(
                .notFound, "no model '\(name)' is served here; served: \(host.names.joined(separator: ", "))")
        }
        return endpoint
    }

    private static func route(in endpoint: ModelHost.Endpoint, version: String) throws(RequestError) -> ModelHost.Route
    {
        guard let number = Int(version), let route = endpoint.route(version: number) else {
            let loaded = endpoint.routes.map { String($0.model.version) }.joined(separator: ", ")
            throw RequestError(.notFound, "version '\(version)' of '\(endpoint.name)' is not served; loaded: \(loaded)")
        }
        return route
    }

    private func collect(_ request: Request) async throws(RequestError) -> ByteBuffer {
        let limit = configuration.maximumBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw RequestError(
                .contentTooLarge, "the body has \(length) bytes; this server accepts at most \(limit) (--max-body)")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw RequestError(.contentTooLarge, "the body exceeds \(limit) bytes (--max-body)")
        } catch {
            throw .badRequest("the body could not be read: \(error)")
        }
    }

    // MARK: Metadata and feedback

    private func metadata(_ name: String?, version: String?) -> Response {
        do {
            let endpoint = try endpoint(name)
            let routes =
                try version.map { version throws(RequestError) in [try Self.route(in: endpoint, version: version)] }
                ?? endpoint.routes
            let model = routes[0].model
            var json = JSONWriter()
            json.raw("{\"name\":")
            json.string(endpoint.name)
            json.raw(",\"versions\":")
            json.array(Set(routes.map { $0.model.version }).sorted()) { json, version in json.string(String(version)) }
            json.raw(",\"platform\":\"mlops\",\"inputs\":")
            json.array(model.inputs) { json, input in
                json.raw("{\"name\":")
                json.string(input.name)
                let numeric = input.feature.map { model.levelCodes[$0] == nil } ?? false
                json.raw(numeric ? ",\"datatype\":\"FP64\"" : ",\"datatype\":\"BYTES\"")
                json.raw(",\"shape\":[-1]}")
            }
            json.raw(",\"outputs\":")
            let width = model.compiled.predictionWidth
            json.array(model.outputNames) { json, output in
                json.raw("{\"name\":")
                json.string(output)
                switch output {
                case "label": json.raw(",\"datatype\":\"BYTES\",\"shape\":[-1]}")
                case "probabilities": json.raw(",\"datatype\":\"FP64\",\"shape\":[-1,\(width)]}")
                default: json.raw(",\"datatype\":\"FP64\",\"shape\":[-1]}")
                }
            }
            json.raw("}")
            return Self.json(json.bytes)
        } catch {
            return Self.json(
                WireProtocol.openInference.errorBody(error.message, status: error.status), status: error.status)
        }
    }

    private func readiness(_ name: String?, version: String?) -> Response {
        do {
            let endpoint = try endpoint(name)
            if let version { _ = try Self.route(in: endpoint, version: version) }
            return Self.json(Array("{\"ready\":true}".utf8))
        } catch {
            return Self.json(
                WireProtocol.openInference.errorBody(error.message, status: error.status), status: error.status)
        }
    }

    /// Records ground truth: `{"id": "<request id>", "label": …}` or `{"feedback": [{"id": …, "label": …}, …]}`.
    private func feedback(_ request: Request) async -> Response {
        do {
            guard servingLog != nil else {
                throw RequestError(
                    .notFound, "this server keeps no prediction log (it serves bundles), so feedback cannot be matched")
            }
            let object = try JSONReader.parse(try await collect(request).readableBytesView)
            let items = object["feedback"].map { $0.array ?? [] } ?? [object]
            guard items.count <= configuration.maximumBatchRows else {
                throw RequestError(
                    .contentTooLarge,
                    "\(items.count) feedback items; at most \(configuration.maximumBatchRows) per request")
            }
            let now = Date()
            let labels = try items.map { item throws(RequestError) -> FeedbackLabel in
                guard let id = item["id"]?.string, !id.isEmpty, id.utf8.count <= OpenInferenceRequest.maximumIdLength,
                    let label = item["label"]
                else {
                    throw .badRequest(
                        "each feedback item needs \"id\" (the request id, at most \(OpenInferenceRequest.maximumIdLength) bytes) and \"label\""
                    )
                }
                var json = JSONWriter()
                label.write(into: &json)
                guard json.bytes.count <= Self.maximumLabelBytes else {
                    throw .badRequest("the label of '\(id)' is longer than \(Self.maximumLabelBytes) bytes of JSON")
                }
                return FeedbackLabel(requestID: id, label: String(decoding: json.bytes, as: UTF8.self), received: now)
            }
            guard !labels.isEmpty else { throw RequestError.badRequest("\"feedback\" needs at least one item") }
            let unknown = try await recordFeedback(labels)
            guard unknown.count < labels.count else {
                throw RequestError(
                    .notFound,
                    "no request with id '\(unknown[0].prefix(64))'\(unknown.count > 1 ? " (nor \(unknown.count - 1) more)" : "") is in the prediction log; nothing was recorded"
                )
            }
            return Self.json(Array("{\"recorded\":\(labels.count - unknown.count),\"unknown\":\(unknown.count)}".utf8))
        } catch let error as RequestError {
            return Self.json(
                WireProtocol.openInference.errorBody(error.message, status: error.status), status: error.status)
        } catch {
            // The database is locked by another writer for longer than its busy timeout: worth a retry.
            return Self.json(
                WireProtocol.openInference.errorBody(
                    "the prediction log's database is busy; retry the feedback", status: .serviceUnavailable),
                status: .serviceUnavailable)
        }
    }

    /// The largest label accepted, as JSON.
    static let maximumLabelBytes = 4_096

    /// Records labels after writing the queued log, so feedback for a request answered a moment ago finds it;
    /// returns the ids the log does not know.
    private func recordFeedback(_ labels: [FeedbackLabel]) async throws -> [String] {
        guard let servingLog else { return labels.map(\.requestID) }
        let log = self.log
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String], any Error>) in
            DispatchQueue.global(qos: .utility).async {
                log?.flush()
                continuation.resume(with: Result { try servingLog.recordFeedback(labels) })
            }
        }
    }

    private static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension HTTPField.Name {
    /// A header name spelled in the source, valid by construction.
    fileprivate static func known(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("'\(name)' is not a header name") }
        return field
    }
}
