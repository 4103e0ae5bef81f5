import Testing

@testable import MLOpsCore

/// The rules that make every clone agree on its aliases (docs/formats.md, "Merging").
@Suite struct AliasReplayTests {
    private typealias Event = AliasReplay.Event

    private static func register(_ version: Int) -> Event {
        Event(kind: "register", alias: nil, from: nil, to: version, approved: true)
    }

    private static func promote(_ from: Int?, _ to: Int, approved: Bool = true) -> Event {
        Event(kind: "promote", alias: "production", from: from, to: to, approved: approved)
    }

    private static func delete(_ version: Int) -> Event {
        Event(kind: "delete", alias: nil, from: version, to: nil, approved: true)
    }

    @Test func theLaterOfTwoConcurrentMovesHoldsTheAliasAndIsMarked() {
        let replay = AliasReplay([
            Self.register(1), Self.register(2), Self.register(3), Self.promote(nil, 1), Self.promote(1, 2),
            Self.promote(1, 3),
        ])
        #expect(replay.holders == ["production": 3])
        #expect(replay.notes.map(\.concurrent) == [false, false, false, false, false, true])
        #expect(replay.notes.allSatisfy { $0.void == nil })
    }

    @Test func aMoveToAVersionDeletedFirstIsVoid() {
        let replay = AliasReplay([
            Self.register(1), Self.register(2), Self.promote(nil, 1), Self.delete(2), Self.promote(1, 2),
        ])
        #expect(replay.holders == ["production": 1])
        #expect(replay.notes.last?.void == "version 2 did not exist at this point")
    }

    @Test func deletingTheHolderFallsBackToTheLatestEarlierHolderThatExists() {
        let replay = AliasReplay([
            Self.register(1), Self.register(2), Self.register(3), Self.promote(nil, 1), Self.promote(1, 2),
            Self.promote(2, 3), Self.delete(2), Self.delete(3),
        ])
        #expect(replay.holders == ["production": 1])
        let gone = AliasReplay([Self.register(1), Self.promote(nil, 1), Self.delete(1)])
        #expect(gone.holders.isEmpty)
    }

    @Test func aPromotionWhoseRecordedGatesFailedIsVoid() {
        let replay = AliasReplay([
            Self.register(1), Self.register(2), Self.promote(nil, 1), Self.promote(1, 2, approved: false),
        ])
        #expect(replay.holders == ["production": 1])
        #expect(replay.notes.last?.void == "its approval gates failed")
    }
}
