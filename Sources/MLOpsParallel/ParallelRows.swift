import Dispatch
import Foundation

/// Splits row-parallel work over the machine's cores. Each chunk is a contiguous range of rows processed by
/// one thread, so results never depend on how many threads ran.
public enum ParallelRows {
    /// The number of active cores.
    public static var threadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` once per chunk of `0..<rows`, concurrently when `chunks > 1`.
    public static func run(chunks: Int, rows: Int, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(chunks, rows))
        if chunks == 1 {
            body(0..<rows)
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                work.body((rows * chunk / chunks)..<(rows * (chunk + 1) / chunks))
            }
        }
    }

    /// Calls `body(index)` for every index in `0..<count` on up to `threads` threads.
    public static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        let threads = max(1, min(threads, count))
        if threads == 1 {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedIndexBody(body: body)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                var index = thread
                while index < count {
                    work.body(index)
                    index += threads
                }
            }
        }
    }

    /// The closures run on disjoint data by construction (each chunk or index is handed to one thread).
    private struct UncheckedBody: @unchecked Sendable { let body: (Range<Int>) -> Void }
    private struct UncheckedIndexBody: @unchecked Sendable { let body: (Int) -> Void }
}
