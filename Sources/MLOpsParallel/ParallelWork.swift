import Dispatch
import Foundation
import Synchronization

/// Runs independent pieces of work on every core, handing out indices one at a time so a few large items and
/// many small ones balance on their own.
public enum ParallelWork {
    /// How many threads to use: the number of active cores.
    public static var width: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` for each index in `0..<count`, on up to `width` threads (default: every core), and returns the results in index
    /// order. The first error thrown stops the hand-out of further indices and is rethrown.
    public static func map<Result: Sendable>(
        _ count: Int, width: Int = ParallelWork.width, _ body: @Sendable (Int) throws -> Result
    ) throws -> [Result] {
        let results = ResultSlots<Result>(count: count)
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        let threads = max(1, min(width, count))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count, failure.withLock({ $0 == nil }) else { return }
                do {
                    results.store(try body(index), at: index)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    return
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.collect()
    }

    /// Runs `background` on a thread of its own while the calling thread runs `foreground`, and returns
    /// `foreground`'s result once both have finished; the background's error, if it threw, is thrown first.
    public static func overlapping<Result>(
        _ background: @escaping @Sendable () throws -> Void, with foreground: () throws -> Result
    ) throws -> Result {
        let failure = Mutex<(any Error)?>(nil)
        let done = startThread {
            do { try background() } catch { failure.withLock { $0 = error } }
        }
        let result = Swift.Result { try foreground() }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return try result.get()
    }

    /// Runs `body` on a thread of its own, so it starts at once however busy Dispatch's pool is (the caller may
    /// itself be one of its workers); the returned semaphore is signalled when `body` returns.
    public static func startThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread {
            body()
            done.signal()
        }.start()
        return done
    }
}
