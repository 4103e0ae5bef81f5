/// The state of a model's aliases, computed from its history in order, which is how clones that fetched the same
/// events agree on every alias whatever order they learned of them in. The rules (docs/formats.md, "Merging"):
/// - `register` makes a version exist; `delete` removes it, and an alias holding it goes back to the latest
///   earlier holder that still exists (or disappears).
/// - `promote` and `rollback` point the alias at their version — unless it does not exist at that point
///   (void: deleted, or never registered) or the event records a failed approval gate (void: approval refused).
///   A move whose author saw another holder than the one it follows here is `concurrent`: two clones moved the
///   alias without seeing each other's move, and the later one in the log wins.
struct AliasReplay {
    struct Event {
        var kind: String
        var alias: String?
        var from: Int?
        var to: Int?
        /// False when the event records a failed approval gate.
        var approved: Bool
    }

    struct Note: Equatable {
        var concurrent = false
        var void: String?
    }

    /// Alias → version, after the last event.
    private(set) var holders: [String: Int] = [:]
    /// Per event, in order: whether it was concurrent or void.
    private(set) var notes: [Note] = []

    init(_ events: [Event]) {
        var existing = Set<Int>()
        // Per alias, every holder it had, oldest first: a deletion falls back through them.
        var chains: [String: [Int]] = [:]
        for event in events {
            var note = Note()
            switch event.kind {
            case "register":
                if let version = event.to { existing.insert(version) }
            case "delete":
                guard let version = event.from else { break }
                existing.remove(version)
                for (alias, chain) in chains where chain.last == version {
                    chains[alias] = Array(chain.filter(existing.contains))
                }
            case "promote", "rollback":
                guard let alias = event.alias, let version = event.to else { break }
                let holder = chains[alias]?.last
                if !existing.contains(version) {
                    note.void = "version \(version) did not exist at this point"
                } else if !event.approved {
                    note.void = "its approval gates failed"
                } else {
                    note.concurrent = event.from != holder
                    if holder != version { chains[alias, default: []].append(version) }
                }
            default:
                break
            }
            notes.append(note)
        }
        holders = chains.compactMapValues(\.last)
    }
}
