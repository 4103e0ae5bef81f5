import Foundation
import MLOpsLearn
import MLOpsTestSupport
import Testing

/// Data schemas check every rule with exact counts and point at the right lines of the file.
@Suite struct ValidationTests {
    private func read(_ text: String, categorical: Set<String> = []) throws -> (table: Table, lines: RecordLines) {
        let directory = try TemporaryDirectory()
        let path = directory.url("data.csv")
        try Fixtures.write(text, to: path)
        return try TableFile.readLocated(path: path, categorical: categorical)
    }

    private func violation(
        _ violations: [SchemaViolation], _ column: String?, _ check: SchemaViolation.Check
    ) throws -> SchemaViolation {
        try #require(violations.first { $0.column == column && $0.check == check }, "\(violations)")
    }

    @Test func recordLinesFollowBlankLinesAndQuotedLineBreaks() throws {
        let (table, lines) = try read("a,b\n1,x\n\n2,\"two\nlines\"\n3,z\r\n4,w\n")
        #expect(table.rowCount == 4)
        #expect((0..<4).map(lines.line(ofRow:)) == [2, 4, 6, 7])
        let plain = RecordLines(headerLines: 1)
        #expect(plain.line(ofRow: 0) == 2 && plain.line(ofRow: 999_999) == 1_000_001)
    }

    @Test func everyCheckCountsItsRowsAndNamesTheirLines() throws {
        let csv = """
            id,weight,cylinders,origin,score,comment
            1,2500,4,usa,0.5,a
            2,,6,japan,0.7,b
            3,abc,4.5,mars,0.2,c

            3,1000,8,usa,1.5,d
            5,2600,4,venus,,e
            """
        let (table, lines) = try read(csv + "\n", categorical: ["origin"])
        let schema = DataSchema(
            columns: [
                .init(name: "id", type: .integer, unique: true),
                .init(name: "weight", type: .number, minimum: 1500, maximum: 5000, maxMissing: 0),
                .init(name: "cylinders", type: .integer, minimum: 3, maximum: 8),
                .init(name: "origin", type: .category, values: ["usa", "europe", "japan"]),
                .init(name: "score", minimum: 0, maximum: 1, maxMissing: 0.25),
                .init(name: "horsepower", type: .number),
                .init(name: "note", required: false),
            ], minimumRows: 10, allowsExtraColumns: false)
        #expect(schema.problem() == nil)
        let found = schema.violations(in: table, lines: lines)

        let duplicate = try violation(found, "id", .duplicate)
        #expect(duplicate.count == 1 && duplicate.examples == [.init(row: 4, line: 6, value: "3")])
        let notNumber = try violation(found, "weight", .type)
        #expect(notNumber.count == 1 && notNumber.examples == [.init(row: 3, line: 4, value: "abc")])
        let missing = try violation(found, "weight", .missingValues)
        #expect(missing.count == 1 && missing.examples.first?.line == 3)
        let low = try violation(found, "weight", .belowMinimum)
        #expect(low.count == 1 && low.examples.first?.value == "1000")
        let fraction = try violation(found, "cylinders", .type)
        #expect(fraction.count == 1 && fraction.examples.first?.value == "4.5")
        #expect(!found.contains { $0.column == "cylinders" && $0.check == .aboveMaximum })
        let unknown = try violation(found, "origin", .unknownCategory)
        #expect(unknown.count == 2 && unknown.examples.map(\.line) == [4, 7])
        #expect(unknown.message.contains("'mars' (1)") && unknown.message.contains("'venus' (1)"))
        let high = try violation(found, "score", .aboveMaximum)
        #expect(high.count == 1 && high.examples.first?.line == 6)
        // One of five scores is missing: 20% is within the 25% allowed.
        #expect(!found.contains { $0.column == "score" && $0.check == .missingValues })
        #expect(try violation(found, "horsepower", .missingColumn).count == 1)
        #expect(!found.contains { $0.column == "note" })
        #expect(try violation(found, "comment", .extraColumn).count == 1)
        #expect(try violation(found, nil, .rowCount).message == "5 rows; at least 10 expected")
        #expect(found.count == 10)
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstName() throws {
        for parallel in [false, true] {
            let directory = try TemporaryDirectory()
            let path = directory.url("data.csv")
            try Fixtures.write("\u{FEFF}id,x\n1,2\n", to: path)
            var reader = CSVReader()
            reader.parallelMinimumBytes = parallel ? 0 : .max
            #expect(try reader.read(path: path).columnNames == ["id", "x"])
        }
    }

    @Test func boundsWithoutATypeStillCheckNumbersAndRefuseText() throws {
        let (table, lines) = try read("age\n30\nabc\n150\n")
        let schema = DataSchema(columns: [.init(name: "age", minimum: 0, maximum: 120)])
        let found = schema.violations(in: table, lines: lines)
        #expect(Set(found.map(\.check)) == [.type, .aboveMaximum], "\(found)")
    }

    @Test func numericCodesAreCheckedAsLabels() throws {
        let (table, lines) = try read("origin\n1\n2\n3\n4\n")
        let schema = DataSchema(columns: [.init(name: "origin", type: .category, values: ["1", "2", "3"])])
        let found = schema.violations(in: table, lines: lines)
        #expect(found.map(\.check) == [.unknownCategory])
        #expect(found.first?.examples == [.init(row: 4, line: 5, value: "4")])
    }

    @Test func anInferredSchemaAcceptsItsOwnDataAndCatchesChanges() throws {
        let (table, lines) = try read(
            "id,x,kind,opt\n1,0.5,a,\n2,1.5,b,7\n3,2.5,a,\n4,3,b,1\n5,1,a,\n6,2,a,\n7,2,b,\n8,2,b,\n9,2,a,\n10,2,a,\n")
        let schema = DataSchema.inferred(from: table)
        #expect(schema.problem() == nil)
        #expect(schema.violations(in: table, lines: lines).isEmpty)
        let id = try #require(schema.columns.first { $0.name == "id" })
        #expect(id.type == .integer && id.unique && id.minimum == 1 && id.maximum == 10)
        let x = try #require(schema.columns.first { $0.name == "x" })
        #expect(x.type == .number && !x.unique && x.maxMissing == 0)
        #expect(schema.columns.first { $0.name == "kind" }?.values == ["a", "b"])
        #expect(schema.columns.first { $0.name == "opt" }?.maxMissing == 0.8)

        let (changed, changedLines) = try read("id,x,kind,opt\n1,9,c,\n1,0.5,a,\n")
        let checks = Set(schema.violations(in: changed, lines: changedLines).map(\.check))
        #expect(checks == [.duplicate, .aboveMaximum, .unknownCategory, .missingValues])
    }

    @Test func aModelsContractWidensItsReferenceByTheTolerance() throws {
        let (table, _) = try read("x,c,y\n10,a,1\n20,b,2\n30,a,\n")
        let signature = Signature(
            features: [.init(name: "x", kind: .numeric), .init(name: "c", kind: .categorical, levels: ["a", "b"])],
            target: "y", task: .regression)
        let profile = DataProfile(table: table, roles: ["x": .feature, "c": .feature, "y": .target])
        let schema = DataSchema.expected(by: signature, profile: profile, tolerance: 0.1)
        let x = try #require(schema.columns.first { $0.name == "x" })
        #expect(x.minimum == 8 && x.maximum == 32 && x.required && x.maxMissing == 0.1)
        #expect(schema.columns.first { $0.name == "c" }?.values == ["a", "b"])
        let y = try #require(schema.columns.first { $0.name == "y" })
        #expect(!y.required && abs((y.maxMissing ?? 0) - (1.0 / 3 + 0.1)) < 1e-12)
        let bare = DataSchema.expected(by: signature, profile: nil, tolerance: 0.1)
        #expect(bare.columns.first { $0.name == "x" }?.minimum == nil)
    }

    @Test func schemasThatContradictThemselvesAreRefused() {
        let cases: [(DataSchema, String)] = [
            (DataSchema(columns: [.init(name: "a"), .init(name: "a")]), "described twice"),
            (DataSchema(columns: [.init(name: "a", minimum: 2, maximum: 1)]), "is above `max`"),
            (DataSchema(columns: [.init(name: "a", maxMissing: 1.5)]), "share between 0 and 1"),
            (DataSchema(columns: [.init(name: "a", type: .number, values: ["x"])]), "needs `type: category`"),
            (DataSchema(columns: [], minimumRows: 5, maximumRows: 2), "`rows.min` (5) is above"),
        ]
        for (schema, expected) in cases {
            #expect(schema.problem()?.contains(expected) == true, "\(expected)")
        }
    }
}
