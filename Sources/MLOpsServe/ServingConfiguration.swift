import Foundation
import MLOpsCore
import MLOpsErrors

/// What `mlops serve` serves and how.
public struct ServingConfiguration: Sendable {
    /// The address to bind: loopback unless the caller decides otherwise.
    public var host: String = "127.0.0.1"
    /// The port; 0 picks a free one (reported in ``ServingEvent/listening(url:)``).
    public var port: Int = 8080
    /// The served names and how each one's traffic divides between references.
    public var endpoints: [EndpointPlan]
    /// When set, every request but the health probes needs `Authorization: Bearer <token>`.
    public var token: String?
    /// The request header whose value keeps a client on one version of a split (same key, same version).
    public var stickyHeader: String = "x-routing-key"
    /// The share of requests written to `serving_log` (0 turns the log off, 1 logs every request).
    public var logSampleRate: Double = 1
    /// The largest request body accepted, in bytes.
    public var maximumBodyBytes: Int = 16 << 20
    /// The most rows one request may hold.
    public var maximumBatchRows: Int = 10_000
    /// How often the registry is checked for aliases that moved.
    public var pollInterval: Duration = .milliseconds(500)
    /// The rows of each version's sliding window for live drift on `/metrics` (0 turns live drift off).
    public var driftWindowRows: Int = 10_000
    /// How often live drift is recomputed.
    public var driftInterval: Duration = .seconds(10)
    /// Whether requests are checked against a data contract, and what a violation does (nil: not checked).
    public var validation: RequestValidation?
    /// Timeouts and the connection limit that keep slow or idle clients from holding the server.
    public var connections = ConnectionLimits()
    /// When set, the registry follows the default remote: its record log is merged every `interval`, so an alias
    /// another clone moves and pushes is swapped in here (see ``Repository/followRemote(environment:)``).
    public var followRemote: RemoteFollowing?

    /// How a server follows the default remote.
    public struct RemoteFollowing: Sendable {
        /// For the remote's credentials.
        public var environment: [String: String]
        public var interval: Duration

        public init(environment: [String: String], interval: Duration) {
            self.environment = environment
            self.interval = interval
        }
    }

    public init(endpoints: [EndpointPlan]) {
        self.endpoints = endpoints
    }
}

/// One served model name and the references its requests go to, with integer weights.
public struct EndpointPlan: Sendable, Equatable {
    public struct Route: Sendable, Equatable {
        /// A name-based reference: `mpg@production` (followed as the alias moves), `mpg@latest`, or `mpg@4`;
        /// for `serve --bundle`, the bundle's absolute path (followed as the file is replaced).
        public var reference: String
        public var weight: Int
    }

    public var name: String
    public var routes: [Route]

    /// Plans endpoints from the models to serve (`mpg@production`) and an optional split
    /// (`mpg@production=90,mpg@4=10`). Each name serves its model alone unless the split lists routes for it.
    ///
    /// - Throws: `usage` for a run reference, a malformed split, a zero weight, or one name given twice.
    public static func plan(models: [String], split: String?) throws -> [EndpointPlan] {
        var plans: [EndpointPlan] = []
        func name(of reference: String) throws -> String {
            guard let name = try ModelReference.parse(reference).name else {
                throw MLOpsError(
                    .usage, "'\(reference)' is a run; serve a registered version",
                    hint: "register it first: mlops model register \(reference) --name <name>")
            }
            return name
        }
        var splitRoutes: [String: [Route]] = [:]
        var splitOrder: [String] = []
        for entry in (split ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let weight = Int(parts[1]), weight > 0 else {
                throw MLOpsError(
                    .usage, "'\(entry)' is not a split entry",
                    hint: "write --split mpg@production=90,mpg@4=10 (positive weights)")
            }
            let endpoint = try name(of: parts[0])
            if splitRoutes[endpoint] == nil { splitOrder.append(endpoint) }
            splitRoutes[endpoint, default: []].append(Route(reference: parts[0], weight: weight))
        }
        for model in models {
            let endpoint = try name(of: model)
            guard !plans.contains(where: { $0.name == endpoint }) else {
                throw MLOpsError(
                    .usage, "'\(endpoint)' is given twice", hint: "divide its traffic with --split instead")
            }
            plans.append(
                EndpointPlan(name: endpoint, routes: splitRoutes[endpoint] ?? [Route(reference: model, weight: 1)]))
        }
        for endpoint in splitOrder where !plans.contains(where: { $0.name == endpoint }) {
            plans.append(EndpointPlan(name: endpoint, routes: splitRoutes[endpoint] ?? []))
        }
        guard !plans.isEmpty else {
            throw MLOpsError(.usage, "nothing to serve", hint: "name a model: mlops serve mpg@production")
        }
        return plans
    }
}

/// What the server reports while it runs, for its caller to show.
public enum ServingEvent: Sendable, Equatable {
    /// The server accepts requests at `url`.
    case listening(url: String)
    /// `route` (such as `mpg@production`) answers with `version`.
    case loaded(route: String, version: Int)
    /// The alias behind `route` moved; `version` took over from `previous` without failing a request.
    case swapped(route: String, previous: Int, version: Int)
    /// `route` could not be refreshed; the loaded version keeps serving.
    case refreshFailed(route: String, message: String)
    /// The server drained its requests and stopped; `logged` requests went to `serving_log`, `dropped` did not.
    case stopped(logged: Int, dropped: Int)
}
