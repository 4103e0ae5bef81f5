import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An `mlops serve` (or `mlops ui`) process for tests: started with `--port 0 --json`, ready once it reports its
/// URL, stopped with SIGTERM.
public final class RunningServer: @unchecked Sendable {
    public let process: Process
    public let url: String
    private let output: FileHandle
    private var buffered = ""
    /// Events read after start-up by ``waitForEvent(_:timeout:)``, kept for ``stop()``.
    private var seen: [[String: Any]] = []

    /// One HTTP answer.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw NSError(
                    domain: "RunningServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON object"])
            }
            return object
        }

        public var text: String { String(decoding: body, as: UTF8.self) }

        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// Starts `mlops <command> <arguments> --port 0 --json` in `directory` and waits until it listens.
    public init(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], command: String = "serve"
    ) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.executable)
        process.arguments = [command] + arguments + ["--port", "0", "--json"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        let errors = Pipe()
        process.standardError = errors
        output = pipe.fileHandleForReading
        try process.run()
        var events: [[String: Any]] = []
        var found: String?
        while found == nil {
            let chunk = output.availableData
            if chunk.isEmpty {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw NSError(
                    domain: "RunningServer", code: 2,
                    userInfo: [NSLocalizedDescriptionKey: "mlops \(command) exited: \(message)"])
            }
            buffered += String(decoding: chunk, as: UTF8.self)
            while let newline = buffered.firstIndex(of: "\n") {
                let line = String(buffered[..<newline])
                buffered = String(buffered[buffered.index(after: newline)...])
                if let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                    events.append(event)
                    if event["event"] as? String == "listening" { found = event["url"] as? String }
                }
            }
        }
        url = found ?? ""
        startupEvents = events
    }

    /// The events printed up to and including `listening`.
    public let startupEvents: [[String: Any]]

    /// Sends SIGTERM, waits for the exit, and returns the events printed after start-up.
    public func stop() -> [[String: Any]] {
        if process.isRunning { process.terminate() }
        let rest = buffered + String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return seen
            + rest.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
    }

    /// Waits up to `timeout` seconds for the server to print an event named `name` (`swapped`,
    /// `refresh_failed`) for which `matching` holds, and returns the first such event (printed before or during
    /// the wait); nil when it did not come. What it reads stays in ``stop()``'s list.
    public func waitForEvent(
        _ name: String, timeout: TimeInterval, matching: ([String: Any]) -> Bool = { _ in true }
    ) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var searched = 0
        while true {
            while let newline = buffered.firstIndex(of: "\n") {
                let line = String(buffered[..<newline])
                buffered = String(buffered[buffered.index(after: newline)...])
                if let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                    seen.append(event)
                }
            }
            if let event = seen[searched...].first(where: { $0["event"] as? String == name && matching($0) }) {
                return event
            }
            searched = seen.count
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: output.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000)) > 0 else { return nil }
            let chunk = output.availableData
            if chunk.isEmpty { return nil }
            buffered += String(decoding: chunk, as: UTF8.self)
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Sends one request and returns the answer (any status).
    public func request(
        _ method: String, _ path: String, json: Any? = nil, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        guard let target = URL(string: url + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key] = value }
        }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }
}
