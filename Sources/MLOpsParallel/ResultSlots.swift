/// Results of parallel work, gathered in index order without locks: one slot per work item, each written by
/// exactly one thread and read after all joined. No slot is shared, which is why the unchecked sendability is
/// sound.
public final class ResultSlots<Element>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Element?>

    public init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    public func store(_ element: Element, at index: Int) { slots[index] = element }

    /// The stored elements in index order.
    public func collect() -> [Element] { slots.compactMap { $0 } }
}
