import Foundation

/// Counts the answers concurrent clients get, by label (the version that answered, or the failure), for tests
/// that change a server's models under load.
public final class AnswerTally: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Int] = [:]
    private var stopped = false

    public init() {}

    public var counts: [String: Int] { lock.withLock { seen } }
    /// Whether the clients should stop.
    public var isStopped: Bool { lock.withLock { stopped } }
    public func add(_ label: String) { lock.withLock { seen[label, default: 0] += 1 } }
    public func stop() { lock.withLock { stopped = true } }

    /// Waits (up to a minute) until `label` was counted `count` times and says whether it was: driven by
    /// answers, not by time, so a busy machine only makes a test slower.
    public func wait(until label: String, reaches count: Int) async throws -> Bool {
        for _ in 0..<1200 where counts[label, default: 0] < count {
            try await Task.sleep(for: .milliseconds(50))
        }
        return counts[label, default: 0] >= count
    }

    /// Starts `clients` clients that POST `body` to `path` on `server` until ``stop()``, counting each answer by
    /// the version that gave it (`x-mlops-model-version`), or `failed <status>`. With `check`, an answer it finds
    /// wrong for its version counts as `wrong answer from <version>`. Await the task after ``stop()``.
    public func keepAsking(
        _ server: RunningServer, path: String, body: Data, clients: Int = 4,
        check: (@Sendable (_ answer: RunningServer.Answer, _ version: String) throws -> Bool)? = nil
    ) -> Task<Void, any Error> {
        Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        while !self.isStopped {
                            let answer = try await server.request("POST", path, body: body)
                            guard answer.status == 200 else {
                                self.add("failed \(answer.status)")
                                continue
                            }
                            let version = answer.header("x-mlops-model-version") ?? "?"
                            let right = try check?(answer, version) ?? true
                            self.add(right ? version : "wrong answer from \(version)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
