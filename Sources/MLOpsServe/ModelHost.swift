import Foundation
import MLOpsCore
import MLOpsErrors
import Synchronization

/// The loaded models and the routing table, swapped as a whole: requests read the current table under a lock
/// held for a pointer copy, and a refresh builds the next table (loading any new version) before swapping it in.
/// A request that picked a version finishes on it, so no request fails during a swap.
final class ModelHost: Sendable {
    /// One served name's routes, with cumulative weights for choosing.
    struct Endpoint: Sendable {
        let name: String
        let routes: [Route]
        let totalWeight: Int

        /// The route for a request: sticky by `key` when given (same key, same route while the split is
        /// unchanged), else random by weight.
        func choose(key: Substring?) -> Route {
            guard routes.count > 1 else { return routes[0] }
            let ticket = key.map { Int(Self.stableHash($0) % UInt64(totalWeight)) } ?? Int.random(in: 0..<totalWeight)
            var cumulative = 0
            for route in routes {
                cumulative += route.weight
                if ticket < cumulative { return route }
            }
            return routes[routes.count - 1]
        }

        /// The loaded version numbered `version`, if one of the routes serves it.
        func route(version: Int) -> Route? { routes.first { $0.model.version == version } }

        /// FNV-1a: stable across runs and machines, unlike `Hasher`.
        private static func stableHash(_ key: Substring) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in key.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return hash
        }
    }

    struct Route: Sendable {
        /// How the route was given, such as `mpg@production`.
        let label: String
        let reference: ModelReference
        let weight: Int
        let model: ServedModel
    }

    let repository: Repository
    private let table: Mutex<[String: Endpoint]>
    /// The last refresh failure reported per route, so a lasting problem is reported once.
    /// Per route, the last refresh that failed: the version it tried (when the alias resolved) and why. A version
    /// that failed to load is not loaded (and hashed) again on every poll; the alias must move first.
    private let reportedFailures = Mutex<[String: (version: Int?, message: String)]>([:])
    let metrics: ServingMetrics
    /// The served names in the order they were given.
    let names: [String]
    /// How requests are checked against a data contract; nil when they are not.
    let validation: RequestValidation?

    /// Loads every route's current version. Throws when a reference does not resolve or a model does not load.
    init(
        repository: Repository, plans: [EndpointPlan], metrics: ServingMetrics, validation: RequestValidation? = nil
    ) throws {
        self.repository = repository
        self.metrics = metrics
        self.validation = validation
        var endpoints: [String: Endpoint] = [:]
        var loaded: [String: ServedModel] = [:]
        for plan in plans {
            var routes: [Route] = []
            for planned in plan.routes {
                let reference = try ModelReference.parse(planned.reference)
                let version = try repository.registry.versionNumber(reference)
                let model =
                    try loaded["\(plan.name)@\(version)"]
                    ?? Self.load(repository, name: plan.name, version: version, validation: validation)
                loaded[model.reference] = model
                routes.append(
                    Route(label: planned.reference, reference: reference, weight: planned.weight, model: model))
                metrics.setLoaded(route: planned.reference, model: plan.name, version: version, previous: nil)
            }
            endpoints[plan.name] = Endpoint(
                name: plan.name, routes: routes, totalWeight: routes.reduce(0) { $0 + $1.weight })
        }
        table = Mutex(endpoints)
        names = plans.map(\.name)
    }

    /// The endpoint serving `name`, as of now.
    func endpoint(_ name: String) -> Endpoint? { table.withLock { $0[name] } }

    /// Every endpoint, in the order given.
    var endpoints: [Endpoint] {
        let current = table.withLock { $0 }
        return names.compactMap { current[$0] }
    }

    /// Checks every alias route against the registry and swaps in versions that moved. Returns what changed.
    func refresh() -> [ServingEvent] {
        var events: [ServingEvent] = []
        for endpoint in endpoints {
            var routes = endpoint.routes
            var changed = false
            for (index, route) in routes.enumerated() {
                guard case .alias = route.reference else { continue }
                var version: Int?
                do {
                    let target = try repository.registry.versionNumber(route.reference)
                    version = target
                    guard target != route.model.version else {
                        reportedFailures.withLock { _ = $0.removeValue(forKey: route.label) }
                        continue
                    }
                    if reportedFailures.withLock({ $0[route.label]?.version }) == target { continue }
                    let model =
                        try routes.first { $0.model.version == target }?.model
                        ?? Self.load(repository, name: endpoint.name, version: target, validation: validation)
                    reportedFailures.withLock { _ = $0.removeValue(forKey: route.label) }
                    routes[index] = Route(
                        label: route.label, reference: route.reference, weight: route.weight, model: model)
                    changed = true
                    metrics.setLoaded(
                        route: route.label, model: endpoint.name, version: target, previous: route.model.version)
                    events.append(.swapped(route: route.label, previous: route.model.version, version: target))
                } catch {
                    let message = (error as? MLOpsError)?.message ?? ErrorDescription.describe(error)
                    let isNew = reportedFailures.withLock { failures in
                        defer { failures[route.label] = (version, message) }
                        return failures[route.label]?.message != message
                    }
                    if isNew { events.append(.refreshFailed(route: route.label, message: message)) }
                }
            }
            if changed {
                let next = Endpoint(name: endpoint.name, routes: routes, totalWeight: endpoint.totalWeight)
                table.withLock { $0[endpoint.name] = next }
            }
        }
        return events
    }

    /// Loads a version, with its data contract when requests are validated: a version whose contract cannot be
    /// read (its profile is not in the cache) fails to load like a broken model, so it never replaces one that
    /// works.
    private static func load(
        _ repository: Repository, name: String, version: Int, validation: RequestValidation?
    ) throws -> ServedModel {
        let reference = "\(name)@\(version)"
        let resolved = try repository.resolveModel(reference)
        let contract = try validation.map { validation in
            try validation.schema ?? repository.contract(ofModel: reference)
        }
        return try ServedModel(
            name: name, version: version, oid: resolved.oid, model: resolved.model, contract: contract)
    }
}
