import Prometheus
import Synchronization

/// The server's Prometheus metrics, exposed at `/metrics`: requests by model, version, protocol and status code,
/// latency histograms by model and protocol, rows predicted, loaded versions, swaps, and log entries dropped.
final class ServingMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let requestCounters = Mutex<[[String]: Counter]>([:])
    private let rowCounters = Mutex<[[String]: Counter]>([:])
    private let latencies = Mutex<[[String]: DurationHistogram]>([:])
    private let loadedGauges = Mutex<[String: Gauge]>([:])
    private let swapCounters = Mutex<[String: Counter]>([:])
    private let violationCounters = Mutex<[[String]: Counter]>([:])
    let logDropped: Counter
    let logWritten: Counter

    private static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    init() {
        logDropped = registry.makeCounter(
            descriptor: Self.name(
                "serving_log_dropped", "total", "Requests not logged because the log writer fell behind."))
        logWritten = registry.makeCounter(
            descriptor: Self.name("serving_log_written", "total", "Requests written to serving_log."))
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mlops", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts one answered request and its latency. `version` is empty when no model answered (a bad route).
    func recordRequest(model: String, version: String, protocolName: String, status: Int, duration: Duration) {
        let key = [model, version, protocolName, String(status)]
        let counter = requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name(
                    "requests", "total", "Requests answered, by model, version, protocol and HTTP status."),
                labels: [("model", model), ("version", version), ("protocol", protocolName), ("code", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
        let histogramKey = [model, protocolName]
        let histogram = latencies.withLock { histograms in
            if let histogram = histograms[histogramKey] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: Self.name(
                    "request_duration", "seconds", "Time from request to response, by model and protocol."),
                labels: [("model", model), ("protocol", protocolName)], buckets: Self.latencyBuckets)
            histograms[histogramKey] = histogram
            return histogram
        }
        histogram.record(duration)
    }

    /// Counts rows predicted by a version.
    func recordRows(model: String, version: String, count: Int) {
        let key = [model, version]
        let counter = rowCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("predicted_rows", "total", "Rows predicted, by model and version."),
                labels: [("model", model), ("version", version)])
            counters[key] = counter
            return counter
        }
        counter.increment(by: Int64(count))
    }

    /// Counts what a flagged request broke of its version's data contract, by feature and rule. Labels come only
    /// from the model's features and the fixed rule names, so clients cannot grow the metrics without bound.
    func recordViolations(_ counts: [RequestViolations.Key: Int], model: ServedModel) {
        for (key, count) in counts {
            let labels = [model.name, String(model.version), key.feature, key.check.rawValue]
            violationCounters.withLock { counters in
                if let counter = counters[labels] { return counter }
                let counter = registry.makeCounter(
                    descriptor: Self.name(
                        "validation_violations", "total",
                        "Request values that broke the data contract (serve --validate flag), by feature and rule."),
                    labels: [
                        ("model", labels[0]), ("version", labels[1]), ("feature", labels[2]), ("check", labels[3]),
                    ])
                counters[labels] = counter
                return counter
            }.increment(by: Int64(count))
        }
    }

    /// Marks which version answers `route` (1 for the current version, 0 for the one it replaced).
    func setLoaded(route: String, model: String, version: Int, previous: Int?) {
        loadedGauges.withLock { gauges in
            if let previous, let old = gauges["\(route) \(previous)"] {
                old.set(Int64(0))
            }
            let key = "\(route) \(version)"
            let gauge =
                gauges[key]
                ?? registry.makeGauge(
                    descriptor: Self.name(
                        "model_loaded", "", "1 for the version answering a route, 0 for versions it replaced."),
                    labels: [("route", route), ("model", model), ("version", String(version))])
            gauges[key] = gauge
            gauge.set(Int64(1))
        }
        if previous != nil {
            swapCounters.withLock { counters in
                let counter =
                    counters[route]
                    ?? registry.makeCounter(
                        descriptor: Self.name(
                            "model_swaps", "total", "Times a route's alias moved and a new version took over."),
                        labels: [("route", route)])
                counters[route] = counter
                return counter
            }.increment()
        }
    }
}
