import Foundation
import MLOpsLearn

/// Seeded randomness for tests, so a failure can be replayed: the seed comes from `MLOPS_TEST_SEED` when it is
/// set, else from the clock, and ``replay`` names it for failure messages.
public final class TestRandom: @unchecked Sendable {
    /// The seed of this run.
    public let seed: UInt64
    private let lock = NSLock()
    private var generator: SeededGenerator

    public init() {
        seed =
            ProcessInfo.processInfo.environment["MLOPS_TEST_SEED"].flatMap { UInt64($0) }
            ?? UInt64(Date().timeIntervalSince1970 * 1e6)
        generator = SeededGenerator(seed: seed)
    }

    /// How to run the same test with the same choices, for expectation messages.
    public var replay: String { "(replay with MLOPS_TEST_SEED=\(seed))" }

    /// A uniform integer in `range`.
    public func integer(in range: ClosedRange<Int>) -> Int {
        lock.withLock { range.lowerBound + generator.nextIndex(below: range.count) }
    }

    /// `count` random bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        lock.withLock {
            var bytes = [UInt8](repeating: 0, count: count)
            var index = 0
            while index < count {
                var word = generator.next()
                for _ in 0..<min(8, count - index) {
                    bytes[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            return bytes
        }
    }
}
