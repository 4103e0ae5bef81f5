import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsTestSupport
import Testing

/// Dates and times: ISO 8601 and strptime-style reading against pandas, calendar features, time-ordered splits
/// against scikit-learn's `TimeSeriesSplit`, and models that read a datetime column and expand it themselves.
@Suite struct TimeTests {
    // MARK: Reading dates and times

    @Test func timestampsAndCalendarFieldsMatchPandas() throws {
        let cases = try #require(try ReferenceNumbers.load("time")["timestamps"] as? [[String: Any]])
        #expect(cases.count > 40)
        for case_ in cases {
            let text = try #require(case_["text"] as? String)
            let utc = try #require(Timestamp.parse(text), "'\(text)' was not read")
            #expect(abs(utc - (case_["utc"] as? Double ?? .nan)) < 1e-6, "UTC instant of '\(text)'")
            let date = CalendarDate(wallClock: try #require(Timestamp.wallClock(text)))
            for part in CalendarPart.allCases {
                let expected = try #require(case_[part.rawValue] as? Double, "pandas' \(part.rawValue)")
                #expect(part.value(of: date) == expected, "\(part.rawValue) of '\(text)'")
            }
        }
    }

    @Test(arguments: [
        "", "2014", "2014-01", "2014-1-01", "2014-02-30", "2015-02-29", "2014-13-01", "2014-00-10", "2014-01-01T24:00",
        "2014-01-01T10:60", "2014-01-01T10", "2014-01-01T10:00:61", "2014-01-01T10:00+", "2014-01-01T10:00+1",
        "2014-01-01T10:00+15:00", "2014-01-01T10:00 ", " 2014-01-01", "2014-01-01T10:00:00.", "2014-01-01Z",
        "yesterday",
        "2014-01-01T10:00Zulu", "１２３４-01-01",
    ])
    func textThatIsNotISO8601IsRefused(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    private static func read(_ text: String, _ pattern: String) throws -> (wallClock: Double, offset: Double)? {
        let format = try DatetimeFormat(pattern)
        return Array(text.utf8).withUnsafeBufferPointer { format.read($0) }
    }

    @Test func strptimeFormatsReadWhatTheyDescribe() throws {
        let iso = try #require(Timestamp.wallClock("2014-01-31T13:05:09"))
        for (pattern, text) in [
            ("%d/%m/%Y %H:%M:%S", "31/01/2014 13:05:09"), ("%Y%m%d%H%M%S", "20140131130509"),
            ("%b %d %y %H:%M:%S", "JAN 31 14 13:05:09"), ("%m/%d/%Y %H:%M:%S%z", "1/31/2014 13:05:09+05:00"),
        ] {
            let read = try #require(try Self.read(text, pattern))
            #expect(read.wallClock == iso, "'\(text)' in '\(pattern)'")
        }
        let zoned = try #require(try Self.read("2014-01-31 13:05-02:30", "%Y-%m-%d %H:%M%z"))
        #expect(zoned.offset == -(2 * 3600 + 30 * 60))
        for (pattern, text) in [("%d/%m/%Y", "31/02/2014"), ("%d/%m/%Y", "31/01/2014 "), ("%Y%m%d", "201401")] {
            #expect(try Self.read(text, pattern) == nil, "\(text)")
        }
        for bad in ["%Y-%m", "%Y-%q-%d", "%H:%M", "%Y-%m-%d %"] {
            #expect(throws: MLOpsError.self, "'\(bad)'") { try DatetimeFormat(bad) }
        }
    }

    @Test func fractionsOfASecondNeverRoundIntoTheNextDay() throws {
        for text in ["2014-12-31T23:59:59.9999999", "2014-12-31T23:59:59.999999999", "1900-01-01T23:59:59.9999999"] {
            let date = CalendarDate(wallClock: try #require(Timestamp.wallClock(text)))
            #expect(
                date.minuteOfDay == 1439 && [31, 1].contains(date.day) && [2014, 1900].contains(date.year), "\(text)")
        }
        let far = try #require(try Self.read("31/12/9999 23:59:59.999999", "%d/%m/%Y %H:%M:%S.%f"))
        #expect(CalendarDate(wallClock: far.wallClock).year == 9999)
        // A zone's minutes are two digits after the hours, with or without a colon.
        for zone in ["+05:3", "+05:", "+053"] {
            #expect(try Self.read("2014-01-31 13:05\(zone)", "%Y-%m-%d %H:%M%z") == nil, "\(zone)")
        }
        #expect(try Self.read("2014-01-31 13:05+0530", "%Y-%m-%d %H:%M%z")?.offset == 5.5 * 3600)
        #expect(throws: MLOpsError.self) { try DatetimeFormat(String(repeating: "%Y-%m-%d", count: 100)) }
    }

    // MARK: Splits in time order

    @Test func timeSeriesFoldsAreScikitLearnsTimeSeriesSplit() throws {
        let cases = try #require(try ReferenceNumbers.load("time")["folds"] as? [[String: Any]])
        for case_ in cases {
            let rows = try #require(case_["rows"] as? Int)
            let splits = try #require(case_["splits"] as? Int)
            let gap = try #require(case_["gap"] as? Int)
            let expected = try #require(case_["folds"] as? [[String: [Int]]])
            // The rows in time order under a shuffle: the folds are those of the sorted rows, mapped back.
            var order = Array(0..<rows)
            var generator = SeededGenerator(seed: UInt64(rows))
            generator.shuffle(&order)
            var times = [Double](repeating: 0, count: rows)
            for (rank, row) in order.enumerated() { times[row] = Double(rank) * 1800 }
            let folds = try DataSplit.timeSeriesFolds(times: times, folds: splits, gap: gap)
            #expect(folds.count == expected.count)
            for (fold, sklearn) in zip(folds, expected) {
                #expect(fold.train == (sklearn["train"] ?? []).map { order[$0] }.sorted(), "\(rows)/\(splits)/\(gap)")
                #expect(fold.test == (sklearn["test"] ?? []).map { order[$0] }.sorted(), "\(rows)/\(splits)/\(gap)")
                let latestTrained = fold.train.map { times[$0] }.max() ?? -.infinity
                #expect(fold.test.allSatisfy { times[$0] > latestTrained }, "a fold trains on a later row")
            }
        }
    }

    @Test func aFoldNeverTrainsOnRowsOfItsValidationTimes() throws {
        // Four rows per time: a cut inside a group of equal times moves before the group.
        let times = (0..<40).map { Double($0 / 4) }
        for fold in try DataSplit.timeSeriesFolds(times: times, folds: 3, gap: 0) {
            let firstTested = fold.test.map { times[$0] }.min() ?? 0
            #expect(fold.train.allSatisfy { times[$0] < firstTested })
        }
        #expect(throws: MLOpsError.self) {
            try DataSplit.timeSeriesFolds(times: Array(repeating: 1, count: 40), folds: 3)
        }
        #expect(throws: MLOpsError.self) { try DataSplit.timeSeriesFolds(times: [1, 2, 3], folds: 3) }
        #expect(throws: MLOpsError.self) { try DataSplit.timeSeriesFolds(times: times, folds: Int.max, gap: 0) }
        #expect(throws: MLOpsError.self) { try DataSplit.timeSeriesFolds(times: times, folds: 3, gap: Int.max) }
    }

    @Test func aTimeSplitHoldsOutTheLatestRows() throws {
        var times = (0..<100).map { Double($0) }
        times.swapAt(3, 97)
        let split = try DataSplit.chronological(times: times, testFraction: 0.2)
        #expect(split.test.count == 20 && split.train.count == 80)
        #expect(split.test.contains(3) && !split.test.contains(97))
        let latestTrained = split.train.map { times[$0] }.max() ?? 0
        #expect(split.test.allSatisfy { times[$0] > latestTrained })
        // Equal times at the cut all go to the held-out side.
        let tied = (0..<10).map { Double(min($0, 7)) }
        let cut = try DataSplit.chronological(times: tied, testFraction: 0.2)
        #expect(cut.test == [7, 8, 9] && cut.train == Array(0..<7))
        // When the rows before the cut all share one time, fewer rows are held out: the later ones.
        let early = try DataSplit.chronological(times: Array(repeating: 0, count: 9) + [1], testFraction: 0.2)
        #expect(early.test == [9] && early.train == Array(0..<9))
    }

    @Test func timeKeysNameTheValueThatIsNotADate() throws {
        let column = Column(name: "when", labels: ["2014-01-01", "soon", "2014-01-02"])
        let error = try #require(throws: MLOpsError.self) { try DataSplit.timeKeys(of: column) }
        #expect(error.message.contains("'soon'") && error.message.contains("'when'"))
        let missing = Column(name: "when", labels: ["2014-01-01", nil])
        #expect(throws: MLOpsError.self) { try DataSplit.timeKeys(of: missing) }
        let formatted = Column(name: "when", numeric: [20140102, 20140101])
        #expect(try DataSplit.timeKeys(of: formatted, format: "%Y%m%d") == [86_400 * 16_072, 86_400 * 16_071])
    }

    // MARK: Models that read datetimes

    /// Half-hourly rows whose target depends on the hour and the weekday.
    private static func halfHourly(rows: Int, start: Int = 0) throws -> Table {
        let base = try #require(Timestamp.parse("2014-03-03T00:00"))
        var times: [String?] = []
        var noise: [Double] = []
        var target: [Double] = []
        for row in start..<(start + rows) {
            let date = CalendarDate(wallClock: base + Double(row) * 1800)
            times.append(
                String(
                    format: "%04d-%02d-%02dT%02d:%02d", date.year, date.month, date.day,
                    date.minuteOfDay / 60, date.minuteOfDay % 60))
            noise.append(Double(row % 5))
            target.append(Double(date.minuteOfDay / 60) * (date.dayOfWeek >= 5 ? 0.5 : 1) + Double(row % 5) * 0.01)
        }
        return try Table(columns: [
            Column(name: "time", labels: times), Column(name: "noise", numeric: noise),
            Column(name: "load", numeric: target),
        ])
    }

    @Test func aModelExpandsItsDatetimeColumnWhenItPredicts() throws {
        let table = try Self.halfHourly(rows: 2000)
        var request = TrainingRequest(table: table, target: "load", learner: .gbdt, parameters: ["rounds": "60"])
        request.calendar = [.hour, .dayOfWeek, .weekend]
        let model = try Training.train(request)
        let datetime = try #require(model.signature.datetimes?.first)
        #expect(datetime.name == "time" && datetime.format == nil && datetime.parts == [.hour, .dayOfWeek, .weekend])
        #expect(model.signature.features.map(\.name) == ["time.hour", "time.day_of_week", "time.weekend", "noise"])
        #expect(model.signature.inputNames == ["time", "noise"])

        // Later rows, given as the raw text: the model computes the calendar features and predicts them well.
        let later = try Self.halfHourly(rows: 500, start: 3000)
        let compiled = try CompiledModel(Model.decode(model.encoded()))
        let predictions = try compiled.predict(later.dropping(["load"]))
        let truth = try #require(try later.column(named: "load").numericValues)
        let rmse = RegressionMetrics(truth: truth, predictions: predictions.values).rmse
        #expect(rmse < 0.3, "rmse \(rmse) on the following weeks")

        // The streaming CSV path expands the same way.
        let directory = try TemporaryDirectory()
        let csv =
            "noise,time\n"
            + (0..<later.rowCount).map { row in
                "\(later.columns[1].text(at: row) ?? ""),\(later.columns[0].text(at: row) ?? "")"
            }.joined(separator: "\n") + "\n"
        try Fixtures.write(csv, to: directory.url("later.csv"))
        var streamed: [Double] = []
        try compiled.predictCSV(path: directory.url("later.csv")) { (chunk: Predictions) throws(MLOpsError) in
            streamed += chunk.values
        }
        #expect(streamed == predictions.values)

        // A value that is not a date is named, by both paths.
        var broken = later.dropping(["load"])
        var labels = (0..<broken.rowCount).map { later.columns[0].text(at: $0) }
        labels[7] = "31/03/2014"
        try broken.setColumn(Column(name: "time", labels: labels))
        let error = try #require(throws: MLOpsError.self) { try compiled.predict(broken) }
        #expect(error.message.contains("'31/03/2014'"))
    }

    @Test func namedDatetimeColumnsUseTheirFormat() throws {
        let table = try Table(columns: [
            Column(name: "day", numeric: (0..<200).map { Double(20140101 + ($0 % 28)) }),
            Column(name: "y", numeric: (0..<200).map { Double($0 % 28) }),
        ])
        var request = TrainingRequest(table: table, target: "y", learner: .linear)
        request.datetimeColumns = ["day"]
        request.datetimeFormat = "%Y%m%d"
        request.calendar = [.day]
        let model = try Training.train(request)
        #expect(model.signature.datetimes == [DatetimeColumn(name: "day", format: "%Y%m%d", parts: [.day])])
        let predictions = try CompiledModel(model).predict(table)
        #expect(
            zip(predictions.values, try #require(try table.column(named: "y").numericValues)).allSatisfy {
                abs($0 - $1) < 1e-3
            })
        // Without the name, numbers stay numbers.
        let plain = try Training.train(TrainingRequest(table: table, target: "y", learner: .linear))
        #expect(plain.signature.datetimes == nil)
    }

    @Test func calendarFeaturesNeverTakeTheNameOfTheTargetOrRepeat() throws {
        let table = try Table(columns: [
            Column(name: "time", labels: (0..<50).map { "2014-01-01T\(10 + $0 % 10):00" }),
            Column(name: "time.hour", numeric: (0..<50).map { Double($0 % 3) }),
        ])
        let collision = try #require(throws: MLOpsError.self) {
            try Training.validate(TrainingRequest(table: table, target: "time.hour", learner: .gbdt))
        }
        #expect(collision.message.contains("'time.hour'"), "\(collision.message)")
        var repeated = TrainingRequest(table: table, target: "time.hour", features: [], learner: .gbdt)
        repeated.calendar = [.hour, .hour]
        #expect(throws: MLOpsError.self) { try Training.validate(repeated) }
        // Read as categories when asked, a timestamp column is not a datetime.
        var categorical = TrainingRequest(table: table, target: "time.hour", learner: .gbdt)
        categorical.categoricalColumns = ["time"]
        #expect(try Training.validate(categorical).datetimes == nil)
    }

    @Test func signaturesWithInconsistentDatetimesAreRefused() throws {
        let feature = Signature.Feature(name: "t.hour", kind: .numeric)
        let good = Signature(
            features: [feature], target: "y", task: .regression, datetimes: [DatetimeColumn(name: "t", parts: [.hour])])
        #expect(good.problem() == nil)
        for (datetimes, expected) in [
            ([DatetimeColumn(name: "t", parts: [.day])], "not a numeric feature"),
            ([DatetimeColumn(name: "t", parts: [])], "calendar parts"),
            ([DatetimeColumn(name: "t", parts: [.hour, .hour])], "calendar parts"),
            ([DatetimeColumn(name: "t.hour", parts: [.hour])], "both a datetime column and a feature"),
            ([DatetimeColumn(name: "t", format: "%Q", parts: [.hour])], "format"),
            ([DatetimeColumn(name: "t", parts: [.hour]), DatetimeColumn(name: "t", parts: [.hour])], "listed twice"),
            ([DatetimeColumn(name: "y", parts: [.hour])], "the target"),
        ] {
            let signature = Signature(features: [feature], target: "y", task: .regression, datetimes: datetimes)
            let problem = try #require(signature.problem(), "\(datetimes)")
            #expect(problem.contains(expected), "\(problem)")
        }
    }

    @Test func theDatetimeParsersNeverTrap() {
        var fuzzer = Fuzzer("datetime-text")
        let formats = try? [DatetimeFormat("%d/%m/%Y %H:%M:%S.%f%z"), DatetimeFormat("%b %d %y")]
        fuzzer.run(
            samples: ["2014-01-31T13:05:09.123+05:30", "31/01/2014 13:05:09.5-0200", "Jan 31 14", "1969-12-31"].map {
                Array($0.utf8)
            }, tokens: ["T", ":", "+", "-", "Z", "%", "."], structured: false
        ) { bytes in
            let read = bytes.withUnsafeBufferPointer { text in
                [Timestamp.parse(text)] + (formats ?? []).map { $0.read(text)?.wallClock }
            }
            guard let seconds = read.compactMap({ $0 }).first else {
                throw MLOpsError(.invalidInput, "not a date")
            }
            _ = CalendarPart.allCases.map { $0.value(of: CalendarDate(wallClock: seconds)) }
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > 0 && fuzzer.refused > 0, "\(fuzzer.summary)")
    }
}
