import AsyncHTTPClient
import Foundation
import MLOpsErrors
import NIOCore

/// How one alert went out.
public struct AlertDelivery: Codable, Sendable {
    /// `webhook` or `exec`.
    public var channel: String
    /// The webhook's scheme and host (its path may hold a secret token, so it is not repeated), or the command.
    public var target: String
    public var delivered: Bool
    public var attempts: Int
    /// The HTTP status or exit status, or what went wrong.
    public var detail: String?
}

/// Sends a verdict to a webhook (a JSON POST with a `text` field, which Slack-style incoming webhooks show) and
/// to a command (`MLOPS_MONITOR_REPORT` names a file holding the verdict as JSON).
enum Alerts {
    /// Attempts per webhook, and the time each may take.
    static let attempts = 3
    static let timeout = TimeAmount.seconds(10)

    static func deliver(
        _ verdict: MonitorVerdict, webhook: String?, command: String?, workingDirectory: String,
        environment: [String: String]
    ) async -> [AlertDelivery] {
        var deliveries: [AlertDelivery] = []
        let body: Data
        do {
            body = try encode(verdict)
        } catch {
            return [AlertDelivery(channel: "webhook", target: "", delivered: false, attempts: 0, detail: "\(error)")]
        }
        if let webhook { deliveries.append(await post(body, to: webhook)) }
        if let command {
            deliveries.append(run(command, verdict: body, workingDirectory: workingDirectory, environment: environment))
        }
        return deliveries
    }

    /// The verdict as JSON with `text` (its summary) added at the top level.
    static func encode(_ verdict: MonitorVerdict) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: try verdict.encodedJSON()) as? [String: Any] ?? [:]
        object["text"] = verdict.summary
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private static func post(_ body: Data, to url: String) async -> AlertDelivery {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = parsed.host
        else {
            // Not repeated: a mistyped webhook URL still holds its secret token.
            return AlertDelivery(
                channel: "webhook", target: "(invalid URL)", delivered: false, attempts: 0,
                detail: "not an http(s) URL")
        }
        var delivery = AlertDelivery(
            channel: "webhook", target: "\(scheme)://\(host)\(parsed.port.map { ":\($0)" } ?? "")", delivered: false,
            attempts: 0, detail: nil)
        let client = HTTPClient.shared
        for attempt in 1...attempts {
            delivery.attempts = attempt
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "mlops-monitor")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 << 10)
                delivery.detail = "HTTP \(response.status.code)"
                if (200..<300).contains(response.status.code) {
                    delivery.delivered = true
                    return delivery
                }
                // A client error will not change on a retry; a server error or rate limit may.
                if response.status.code < 500, response.status.code != 429 { return delivery }
            } catch {
                delivery.detail = ErrorDescription.describe(error)
            }
            if attempt < attempts { try? await Task.sleep(for: .milliseconds(250 << attempt)) }
        }
        return delivery
    }

    /// How long a command may run before it is stopped.
    static let commandTimeout: TimeInterval = 300

    private static func run(
        _ command: String, verdict: Data, workingDirectory: String, environment: [String: String]
    ) -> AlertDelivery {
        var delivery = AlertDelivery(channel: "exec", target: command, delivered: false, attempts: 1, detail: nil)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mlops-monitor-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try verdict.write(to: file, options: .atomic)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
            process.environment = environment.merging(["MLOPS_MONITOR_REPORT": file.path]) { $1 }
            // Its output goes to standard error, so `--json` keeps standard output to the verdict alone.
            process.standardOutput = FileHandle.standardError
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            if exited.wait(timeout: .now() + commandTimeout) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
                delivery.detail = "stopped after \(Int(commandTimeout)) s"
                return delivery
            }
            delivery.delivered = process.terminationStatus == 0
            delivery.detail = "exit status \(process.terminationStatus)"
        } catch {
            delivery.detail = ErrorDescription.describe(error)
        }
        return delivery
    }
}
