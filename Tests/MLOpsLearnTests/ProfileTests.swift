import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Testing

/// Reference profiles: what they count, that windows' profiles add up to the profile of all rows, that large
/// columns compress within the documented error, and that `decode` refuses what it cannot trust.
@Suite struct ProfileTests {
    private static func table(rows: Range<Int>, distinct: Int = 1_000) throws -> Table {
        var generator = SeededGenerator(seed: 11)
        var numbers: [Double] = []
        var labels: [String?] = []
        for row in rows {
            numbers.append(row % 17 == 0 ? .nan : Double(Int.random(in: 0..<distinct, using: &generator)) / 10)
            labels.append(row % 13 == 0 ? nil : ["red", "green", "blue", "teal"][row % 4])
        }
        return try Table(columns: [Column(name: "x", numeric: numbers), Column(name: "color", labels: labels)])
    }

    @Test func profilesOfTwoWindowsAddUpToTheProfileOfBoth() throws {
        let whole = try Self.table(rows: 0..<3_000)
        let first = DataProfile(table: whole.rows(Array(0..<1_200)))
        let second = DataProfile(table: whole.rows(Array(1_200..<3_000)))
        let merged = try first.merged(with: second)
        let direct = DataProfile(table: whole)
        #expect(merged.rows == 3_000)
        for name in ["x", "color"] {
            let left = try #require(merged.column(named: name))
            let right = try #require(direct.column(named: name))
            #expect(left.count == right.count && left.missing == right.missing)
            #expect(left.categories == right.categories)
        }
        let mergedX = try #require(merged.column(named: "x")?.numeric)
        let directX = try #require(direct.column(named: "x")?.numeric)
        #expect(mergedX.sketch == directX.sketch, "exact sketches merge to the exact sketch")
        #expect(mergedX.minimum == directX.minimum && mergedX.maximum == directX.maximum)
        #expect(abs(mergedX.mean - directX.mean) <= 1e-12 * abs(directX.mean))
        #expect(abs(mergedX.squaredDeviations - directX.squaredDeviations) <= 1e-9 * directX.squaredDeviations)
        #expect(direct.column(named: "x")?.missing == (0..<3_000).filter { $0 % 17 == 0 }.count)
        #expect(
            direct.column(named: "color")?.categories?["red"]
                == (0..<3_000).filter { $0 % 4 == 0 && $0 % 13 != 0 }.count)
    }

    @Test func largeColumnsCompressWithinTheDocumentedError() throws {
        var generator = SeededGenerator(seed: 5)
        let values = (0..<60_000).map { _ in Double.random(in: 0..<1, using: &generator) }
        let sketch = QuantileSketch(unsorted: values)
        #expect(!sketch.exact)
        #expect(sketch.values.count <= QuantileSketch.compressedSize + 1)
        #expect(sketch.total == 60_000)
        let sorted = values.sorted()
        // The sketch's CDF at each true decile is within 1/compressedSize of the decile's rank, and then some.
        for decile in 1...9 {
            let truth = sorted[decile * 6_000]
            var below = 0.0
            for (value, weight) in zip(sketch.values, sketch.weights) where value <= truth { below += weight }
            #expect(abs(below / 60_000 - Double(decile) / 10) <= 2.0 / Double(QuantileSketch.compressedSize))
        }
        // Merging two compressed sketches stays bounded (compressed again past the exact limit) and keeps every
        // value counted.
        var merged = sketch
        for shift in 1...8 { merged = merged.merged(with: QuantileSketch(unsorted: values.map { $0 + Double(shift) })) }
        #expect(!merged.exact && merged.total == 540_000 && merged.values.count <= QuantileSketch.exactLimit)
    }

    @Test func aProfileRoundTripsAndDecodeRefusesInconsistentOnes() throws {
        let profile = DataProfile(table: try Self.table(rows: 0..<500))
        let bytes = try profile.encoded()
        #expect(try DataProfile.decode(bytes, source: "profile") == profile)
        #expect(try profile.encoded() == bytes, "the same data gives the same bytes")

        let text = String(decoding: bytes, as: UTF8.self)
        let broken = [
            text.replacingOccurrences(of: "\"format\":\"mlops-profile\"", with: "\"format\":\"other\""),
            text.replacingOccurrences(of: "\"rows\":500", with: "\"rows\":501"),
            text.replacingOccurrences(of: "\"exact\":true", with: "\"exact\":1"),
        ]
        for sample in broken {
            #expect(sample != text)
            #expect(throws: MLOpsError.self) { try DataProfile.decode(Data(sample.utf8), source: "profile") }
        }
    }

    @Test func extremeValuesStillGiveAWritableProfile() throws {
        let values = [1e308, -1e308, 1.7e308, -1.7e308] + (0..<20_000).map { Double($0) * 1e300 }
        let profile = DataProfile(table: try Table(columns: [Column(name: "x", numeric: values)]))
        let summary = try #require(profile.column(named: "x")?.numeric)
        #expect(summary.mean.isFinite && summary.squaredDeviations.isFinite)
        #expect(summary.sketch.values.allSatisfy(\.isFinite) && !summary.sketch.exact)
        #expect(try DataProfile.decode(try profile.encoded(), source: "profile") == profile)
        _ = try profile.merged(with: profile)
    }

    @Test func profileDecodingNeverTraps() throws {
        let samples = try [0..<40, 0..<300].map { Array(try DataProfile(table: Self.table(rows: $0)).encoded()) }
        var fuzzer = Fuzzer("profile")
        fuzzer.run(samples: samples, tokens: ["-1", "1e308", "[]", "null", "\"numeric\""], structured: true) { bytes in
            let profile = try DataProfile.decode(Data(bytes), source: "fuzz")
            _ = try profile.merged(with: profile)
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > 0 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }
}

/// `DataProfile.encoded()` writes the sketches' arrays itself: its bytes must stay `JSONEncoder`'s.
@Suite struct ProfileEncodingTests {
    @Test func theBytesAreJSONEncoders() throws {
        let (train, _) = try BundledData.split("diamonds/diamonds.csv", categorical: ["cut", "color", "clarity"])
        // A column whose name holds the text the writer looks for, and one with missing values.
        let tricky = Column(
            name: #""values":[],"weights":[]"#,
            numeric: (0..<train.rowCount).map { $0 % 7 == 0 ? .nan : Double($0) / 3 })
        var table = train
        try table.setColumn(tricky)
        try table.setColumn(Column(name: "tiny", numeric: (0..<train.rowCount).map { Double($0 % 50) * 1e-7 }))
        let profile = DataProfile(table: table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        #expect(try profile.encoded() == encoder.encode(profile))
        #expect(try DataProfile.decode(try profile.encoded(), source: "test") == profile)
    }
}
