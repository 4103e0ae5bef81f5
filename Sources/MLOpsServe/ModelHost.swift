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
        /// How the route was given, such as `mpg@production` or a bundle's path.
        let label: String
        let weight: Int
        let model: ServedModel
    }

    let source: any ModelSource
    private let table: Mutex<[String: Endpoint]>
    /// Per route, the last refresh that failed: the revision it tried (when the route resolved) and why. A
    /// revision that failed to load is not loaded (and hashed) again on every poll; the route must move first.
    private let reportedFailures = Mutex<[String: (revision: String?, message: String)]>([:])
    let metrics: ServingMetrics
    /// The served names in the order they were given.
    let names: [String]
    /// How requests are checked against a data contract; nil when they are not.
    let validation: RequestValidation?

    /// Loads every route's current revision. Throws when a route does not resolve or a model does not load.
    init(
        source: any ModelSource, plans: [EndpointPlan], metrics: ServingMetrics, validation: RequestValidation? = nil
    ) throws {
        self.source = source
        self.metrics = metrics
        self.validation = validation
        var endpoints: [String: Endpoint] = [:]
        var loaded: [String: ServedModel] = [:]
        for plan in plans {
            var routes: [Route] = []
            for planned in plan.routes {
                let (revision, model) = try Self.loadCurrent(
                    planned.reference, name: plan.name, source: source, validation: validation, loaded: loaded)
                loaded["\(plan.name)#\(revision)"] = model
                routes.append(Route(label: planned.reference, weight: planned.weight, model: model))
                metrics.setLoaded(route: planned.reference, model: plan.name, version: model.version, previous: nil)
            }
            endpoints[plan.name] = Endpoint(
                name: plan.name, routes: routes, totalWeight: routes.reduce(0) { $0 + $1.weight })
        }
        table = Mutex(endpoints)
        names = plans.map(\.name)
    }

    /// What `route` stands for now, loaded (or taken from `loaded`, by name and revision). A route that keeps
    /// changing while it is read (a bundle being rewritten) is read again, twice at most.
    private static func loadCurrent(
        _ route: String, name: String, source: any ModelSource, validation: RequestValidation?,
        loaded: [String: ServedModel]
    ) throws -> (revision: String, model: ServedModel) {
        for _ in 0..<3 {
            let revision = try source.revision(of: route)
            if let model = loaded["\(name)#\(revision)"] { return (revision, model) }
            do {
                return (revision, try source.load(route: route, revision: revision, name: name, validation: validation))
            } catch is RevisionChanged {
                continue
            }
        }
        throw MLOpsError(
            .conflict, "'\(route)' kept changing while it was read", hint: "start the server once it is written")
    }

    /// The endpoint serving `name`, as of now.
    func endpoint(_ name: String) -> Endpoint? { table.withLock { $0[name] } }

    /// Every endpoint, in the order given.
    var endpoints: [Endpoint] {
        let current = table.withLock { $0 }
        return names.compactMap { current[$0] }
    }

    /// Checks every followed route against its source and swaps in what changed. Returns what happened.
    func refresh() -> [ServingEvent] {
        var events: [ServingEvent] = []
        for endpoint in endpoints {
            var routes = endpoint.routes
            var changed = false
            for (index, route) in routes.enumerated() where source.follows(route.label) {
                var revision: String?
                do {
                    let target = try source.revision(of: route.label)
                    revision = target
                    guard target != route.model.revision else {
                        reportedFailures.withLock { _ = $0.removeValue(forKey: route.label) }
                        continue
                    }
                    if reportedFailures.withLock({ $0[route.label]?.revision }) == target { continue }
                    let model =
                        try routes.first { $0.model.revision == target }?.model
                        ?? source.load(
                            route: route.label, revision: target, name: endpoint.name, validation: validation)
                    reportedFailures.withLock { _ = $0.removeValue(forKey: route.label) }
                    routes[index] = Route(label: route.label, weight: route.weight, model: model)
                    changed = true
                    metrics.setLoaded(
                        route: route.label, model: endpoint.name, version: model.version,
                        previous: route.model.version)
                    events.append(.swapped(route: route.label, previous: route.model.version, version: model.version))
                } catch is RevisionChanged {
                    continue
                } catch {
                    let message = (error as? MLOpsError)?.message ?? ErrorDescription.describe(error)
                    let isNew = reportedFailures.withLock { failures in
                        defer { failures[route.label] = (revision, message) }
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
}
