import Foundation
import Testing

@testable import MLOpsServe

/// The request parser and the endpoint plans, checked against independent truth: Foundation's JSON parser for
/// what is valid JSON, and hand-worked expectations for plans.
@Suite struct RequestParsingTests {
    static let valid = [
        #"{"a": [1, -2.5, 3e2, 0, -0.0, 1E-3], "b": {"c": null, "d": true, "e": false}}"#,
        #"["\u00e9\ud83d\ude00", "tab\tescaped \"quote\" \\ \/"]"#, "  42  ", #""""#, "[]", "{}",
        "12345678901234567890", "-9007199254740993", "1.7976931348623157e308",
    ]
    static let invalid = [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", ".5", "+1", "-", "1e", "tru", "nul", "[1] x", "\"unterminated",
        "\"bad \\x escape\"", "\"\u{01}\"", "{\"a\":1,}", "[\"\\ud83d\"]", "1e999",
    ]

    @Test(arguments: valid)
    func acceptsWhatFoundationAccepts(_ text: String) throws {
        let ours = try JSONReader.parse(Array(text.utf8))
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(Self.same(ours, theirs), "\(ours) vs \(theirs)")
    }

    @Test(arguments: invalid)
    func rejectsInvalidJSONWithAReason(_ text: String) {
        #expect(throws: RequestError.self) { try JSONReader.parse(Array(text.utf8)) }
        do {
            _ = try JSONReader.parse(Array(text.utf8))
        } catch {
            #expect(
                error.status == .badRequest && error.message.hasPrefix("the body is not valid JSON"), "\(error.message)"
            )
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: RequestError.self) { try JSONReader.parse(Array(text.utf8)) }
    }

    @Test func writerRoundTripsThroughFoundation() throws {
        let value = try JSONReader.parse(
            Array(#"{"s": "line\nbreak \u0001 \"q\" é", "n": [1, 2.5, -3, 1e-7], "z": null}"#.utf8))
        var writer = JSONWriter()
        value.write(into: &writer)
        let reparsed = try JSONSerialization.jsonObject(with: Data(writer.bytes))
        #expect(Self.same(value, reparsed))
    }

    @Test func plansEndpointsFromModelsAndSplits() throws {
        let plans = try EndpointPlan.plan(models: ["mpg@production", "iris@3"], split: "mpg@production=90, mpg@4=10")
        #expect(plans.map(\.name) == ["mpg", "iris"])
        #expect(
            plans[0].routes == [.init(reference: "mpg@production", weight: 90), .init(reference: "mpg@4", weight: 10)])
        #expect(plans[1].routes == [.init(reference: "iris@3", weight: 1)])
        #expect(try EndpointPlan.plan(models: [], split: "a@1=1,a@2=3").map(\.routes.count) == [2])
        for (models, split) in [
            ([], nil), (["mpg@1", "mpg@2"], nil), (["mpg@1"], "mpg@1=0"), (["mpg@1"], "mpg@1"), (["run:0192"], nil),
        ] as [([String], String?)] {
            #expect(throws: (any Error).self, "\(models) \(split ?? "")") {
                try EndpointPlan.plan(models: models, split: split)
            }
        }
    }

    private static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let flag): return (theirs as? Bool) == flag
        case .number(let number):
            return (theirs as? NSNumber).map { abs($0.doubleValue - number) <= 1e-12 * max(1, abs(number)) } ?? false
        case .string(let text): return (theirs as? String) == text
        case .array(let values):
            guard let list = theirs as? [Any], list.count == values.count else { return false }
            return zip(values, list).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let object = theirs as? [String: Any], object.count == members.count else { return false }
            return members.allSatisfy { key, value in object[key].map { same(value, $0) } ?? false }
        }
    }
}
