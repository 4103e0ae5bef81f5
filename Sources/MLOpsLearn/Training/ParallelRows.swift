import Dispatch
import Foundation

/// Splits row-parallel work over the machine's cores. Each chunk is a contiguous range of rows processed by
/// one thread, so results never depend on how many threads ran.
enum ParallelRows {
    /// The number of active cores.
    static var threadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` once per chunk of `0..<rows`, concurrently when `chunks > 1`.
    static func run(chunks: Int, rows: Int, _ body: (Range<Int>) -> Void) {
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
    static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
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

/// One slot per work item, each written by exactly one thread and read after all joined: no slot is shared,
/// which is why the unchecked sendability is sound.
final class ResultSlots<Element>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Element?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ element: Element, at index: Int) { slots[index] = element }

    /// The stored elements in index order.
    func collect() -> [Element] { slots.compactMap { $0 } }
}
