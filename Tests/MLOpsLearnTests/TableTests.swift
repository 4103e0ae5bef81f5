import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Testing

@Suite struct CSVReaderTests {
    private func read(_ text: String, categorical: Set<String> = []) throws -> Table {
        let directory = try TemporaryDirectory()
        let path = directory.url("data.csv")
        try Fixtures.write(text, to: path)
        return try CSVReader(categoricalColumns: categorical).read(path: path)
    }

    private func error(_ text: String) throws -> MLOpsError {
        do {
            _ = try read(text)
        } catch let error as MLOpsError {
            return error
        }
        Issue.record("reading succeeded")
        return MLOpsError(.failure, "")
    }

    @Test func readsQuotedFieldsEscapedQuotesCRLFAndLineBreaks() throws {
        let table = try read("name,score,note\r\n\"Smith, J\",1.5,\"said \"\"hi\"\"\"\r\nLee,-2e1,\"two\nlines\"\r\n")
        #expect(table.rowCount == 2)
        #expect(table.columnNames == ["name", "score", "note"])
        let name = try table.column(named: "name")
        #expect(name.kind == .categorical)
        #expect(name.text(at: 0) == "Smith, J")
        #expect(try table.column(named: "score").numericValues == [1.5, -20])
        let note = try table.column(named: "note")
        #expect(note.text(at: 0) == "said \"hi\"")
        #expect(note.text(at: 1) == "two\nlines")
    }

    @Test func infersTypesAndTreatsMissingTokensAsMissing() throws {
        let table = try read("a,b,c\n1,x,NA\n,y,2\nNaN,,3\n")
        let a = try table.column(named: "a")
        #expect(a.kind == .numeric)
        #expect(a.missing == [false, true, true])
        let b = try table.column(named: "b")
        #expect(b.kind == .categorical)
        #expect(b.levels == ["x", "y"])
        #expect(b.missing == [false, false, true])
        #expect(try table.column(named: "c").numericValues?.dropFirst() == [2, 3])
    }

    @Test func numbersBecomeCategoriesWhenAsked() throws {
        let table = try read("origin,y\n1,2\n3,4\n1,5\n", categorical: ["origin"])
        let origin = try table.column(named: "origin")
        #expect(origin.kind == .categorical)
        #expect(origin.levels == ["1", "3"])
    }

    @Test func hexadecimalAndInfinityAreNotNumbers() throws {
        let table = try read("a\n0x10\ninf\n")
        #expect(try table.column(named: "a").kind == .categorical)
    }

    @Test func malformedRowsNameTheLineAndColumn() throws {
        let stray = try error("a,b\n1,2\n3,x\"y\n")
        #expect(stray.code == .invalidInput)
        #expect(stray.message.contains("line 3, column 2"))
        let unterminated = try error("a,b\n1,\"open\n2,3\n")
        #expect(unterminated.message.contains("line 2"))
        #expect(unterminated.message.contains("never closed"))
        let short = try error("a,b,c\n1,2,3\n4,5\n")
        #expect(short.message.contains("line 3"))
        #expect(short.message.contains("2 fields, the header 3"))
        let long = try error("a,b\n1,2,3\n")
        #expect(long.message.contains("line 2"))
        let trailing = try error("a,b\n\"x\"y,2\n")
        #expect(trailing.message.contains("after the closing quote"))
    }

    @Test func emptyAndMissingFilesAreClearErrors() throws {
        #expect(try error("").code == .invalidInput)
        #expect(try error("a,,b\n1,2,3\n").message.contains("no name"))
        #expect(try error("a,a\n1,2\n").message.contains("twice"))
        #expect(throws: MLOpsError.self) { try CSVReader().read(path: "/nonexistent/data.csv") }
    }

    @Test func readsTheBundledDatasets() throws {
        let diamonds = try CSVReader().read(path: Fixtures.example("diamonds/diamonds.csv"))
        #expect(diamonds.rowCount == 53_940)
        #expect(
            try diamonds.column(named: "cut").levels?.sorted() == ["Fair", "Good", "Ideal", "Premium", "Very Good"])
        #expect(try diamonds.column(named: "price").kind == .numeric)
        let mpg = try CSVReader().read(path: Fixtures.example("auto-mpg/data/auto-mpg.csv"))
        #expect(mpg.rowCount == 392)
    }
}

@Suite struct JSONLinesReaderTests {
    @Test func readsObjectsWithMissingKeysNullsAndMixedTypes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("data.jsonl")
        try Fixtures.write(
            "{\"x\": 1.5, \"c\": \"a\"}\n\n{\"x\": null, \"c\": \"b\", \"flag\": true}\r\n{\"c\": 3}\n", to: path)
        let table = try JSONLinesReader().read(path: path)
        #expect(table.rowCount == 3)
        let x = try table.column(named: "x")
        #expect(x.kind == .numeric)
        #expect(x.missing == [false, true, true])
        let c = try table.column(named: "c")
        #expect(c.kind == .categorical)
        #expect(c.text(at: 2) == "3")
        #expect(try table.column(named: "flag").text(at: 1) == "true")
    }

    @Test func aLineThatIsNotAnObjectNamesItsLine() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("data.jsonl")
        try Fixtures.write("{\"x\": 1}\n[1, 2]\n", to: path)
        let error = #expect(throws: MLOpsError.self) { try JSONLinesReader().read(path: path) }
        #expect(error?.message.contains("line 2") == true)
    }
}

@Suite struct SplitTests {
    @Test func theGeneratorIsFixedByItsSeed() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        var other = SeededGenerator(seed: 43)
        let a = (0..<5).map { _ in first.next() }
        #expect(a == (0..<5).map { _ in second.next() })
        #expect(a != (0..<5).map { _ in other.next() })
        // xoshiro256** seeded through SplitMix64 is specified by its algorithm: this value must never change,
        // or every seeded split and model of earlier versions would change with it.
        var golden = SeededGenerator(seed: 0)
        #expect(golden.next() == 0x99EC_5F36_CB75_F2B4)
    }

    @Test func splitsPartitionTheRowsReproducibly() throws {
        let split = try DataSplit.split(rowCount: 1000, testFraction: 0.2, validationFraction: 0.1, seed: 7)
        #expect(split.test.count == 200)
        #expect(split.validation.count == 100)
        #expect(Set(split.train + split.validation + split.test) == Set(0..<1000))
        #expect(try DataSplit.split(rowCount: 1000, testFraction: 0.2, validationFraction: 0.1, seed: 7) == split)
        #expect(try DataSplit.split(rowCount: 1000, testFraction: 0.2, seed: 8).test != split.test)
        #expect(throws: MLOpsError.self) { try DataSplit.split(rowCount: 10, testFraction: 1.5, seed: 1) }
    }

    @Test func kFoldCoversEveryRowOnce() throws {
        let folds = try DataSplit.kFold(rowCount: 103, folds: 5, seed: 1)
        #expect(folds.count == 5)
        #expect(folds.flatMap(\.test).sorted() == Array(0..<103))
        for fold in folds { #expect(Set(fold.train).isDisjoint(with: fold.test)) }
        #expect(throws: MLOpsError.self) { try DataSplit.kFold(rowCount: 3, folds: 5, seed: 1) }
    }
}

/// The fast path for short decimals gives exactly what `strtod` (Swift's `Double(String)`) gives.
@Suite struct NumberParsingTests {
    @Test func shortDecimalsParseExactlyAsStrtod() {
        var generator = SeededGenerator(seed: 3)
        var texts = [
            "0", "-0", "+1", "1.", ".5", "-.25", "007", "0.1", "123456789012345", "1234567890123456",
            "9007199254740993", "0.000000000000000000001", "1e5", "1.5E-3", ".", "-", "1.2.3", "12a", "--1",
        ]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...17, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            let point = Int.random(in: 0...digits, using: &generator)
            for position in 0..<digits {
                if position == point && position > 0 { text += "." }
                text += String(Int.random(in: 0...9, using: &generator))
            }
            texts.append(text)
        }
        for text in texts {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { NumberText.parse($0) }
            let expected = Double(text)
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: parsed))")
        }
    }
}

/// The parallel reader of large unquoted files gives exactly the table, and the row lines, that the sequential
/// tokenizer gives: checked on random files cut into many small pieces.
@Suite struct ParallelCSVReaderTests {
    private static func text(seed: UInt64) -> String {
        var generator = SeededGenerator(seed: seed)
        let labels = ["usa", "europe", "japan", "NA", "", "x y", "1.50", "-", "null"]
        let rows = Int.random(in: 0..<400, using: &generator)
        let lateText = Int.random(in: 0..<max(rows, 1), using: &generator)
        let crlf = Bool.random(using: &generator)
        var text = "a,b,c,d\(crlf ? "\r\n" : "\n")"
        for row in 0..<rows {
            if Int.random(in: 0..<20, using: &generator) == 0 { text += crlf ? "\r\n" : "\n" }  // a blank line
            let a = Int.random(in: 0..<10, using: &generator) == 0 ? "NA" : String(Double(row) * 0.25 - 7)
            let b = labels[Int.random(in: 0..<labels.count, using: &generator)]
            // A column of numbers that turns to text late in the file.
            let c = row == lateText ? "oops" : String(Int.random(in: -5...5, using: &generator))
            let d =
                Int.random(in: 0..<15, using: &generator) == 0 ? "" : "1e\(Int.random(in: -3...3, using: &generator))"
            text += [a, b, c, d].joined(separator: ",") + (crlf ? "\r\n" : "\n")
        }
        if Bool.random(using: &generator), text.hasSuffix("\n") {
            text.removeLast(crlf ? 2 : 1)  // no line break after the last row
        }
        return text
    }

    @Test(arguments: 0..<40) func givesWhatTheSequentialReaderGives(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("data.csv")
        try Fixtures.write(Self.text(seed: seed), to: path)
        var sequential = CSVReader(categoricalColumns: seed % 3 == 0 ? ["c"] : [])
        sequential.parallelMinimumBytes = .max
        var parallel = sequential
        parallel.parallelMinimumBytes = 0
        parallel.parallelPieceBytes = 64 + Int(seed % 7) * 97
        let expected = try sequential.readLocated(path: path)
        let read = try parallel.readLocated(path: path)
        // Compared by what each column holds: NaN (a missing number) is not equal to itself.
        #expect(read.table.columnNames == expected.table.columnNames)
        for (got, want) in zip(read.table.columns, expected.table.columns) {
            #expect(got.missing == want.missing && got.kind == want.kind && got.levels == want.levels, "\(want.name)")
            #expect((0..<want.count).allSatisfy { got.text(at: $0) == want.text(at: $0) }, "\(want.name)")
        }
        for row in 0..<expected.table.rowCount {
            #expect(read.lines.line(ofRow: row) == expected.lines.line(ofRow: row), "row \(row)")
        }
    }

    @Test func malformedRowsAreNamedByTheirLineAsSequentialReadingDoes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("data.csv")
        var text = "a,b\n"
        for row in 0..<500 { text += "\(row),\(row)\n" }
        text += "\n1,2,3\n4,5\n"
        try Fixtures.write(text, to: path)
        var reader = CSVReader()
        reader.parallelMinimumBytes = 0
        reader.parallelPieceBytes = 100
        #expect(throws: MLOpsError.self) { try reader.read(path: path) }
        do {
            _ = try reader.read(path: path)
        } catch {
            #expect(error.message.contains("line 503: the row has more than the header's 2 fields"), "\(error)")
        }
        // Quotes anywhere leave the file to the sequential tokenizer, which reads them.
        try Fixtures.write("a,b\n" + String(repeating: "1,2\n", count: 300) + "\"x, y\",3\n", to: path)
        let quoted = try reader.read(path: path)
        let first = try quoted.column(named: "a")
        #expect(quoted.rowCount == 301 && first.text(at: 300) == "x, y")
    }
}
