import Foundation
import MLOpsCore
import MLOpsTestSupport
import Testing

/// `mlops serve` as a real process on 127.0.0.1: both protocols, Triton's client, hot swap under load, the
/// canary split, bad input, auth, the prediction log and feedback.
@Suite struct ServeTests {
    static let features = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]

    /// A repository with `mpg@1` (gbdt) and `mpg@2` (linear), `production` on 1, and `mlops predict`'s answers
    /// for the first 60 rows of auto-mpg by both versions.
    private func registry() async throws -> (
        directory: TemporaryDirectory, rows: [[String: String]], predictions: [Int: [Double]]
    ) {
        let learners = ["gbdt", "linear"].map {
            ["--model", $0, "--categorical", "origin"] + Self.features.flatMap { ["--feature", $0] }
        }
        let directory = try await Fixtures.registry(learners, production: 1).directory
        var predictions: [Int: [Double]] = [:]
        let lines = try Fixtures.read(directory.url("auto-mpg.csv")).split(separator: "\n").prefix(61)
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: directory.url("sample.csv"))
        let header = lines[0].split(separator: ",").map(String.init)
        let rows = lines.dropFirst().map { line in
            Dictionary(
                uniqueKeysWithValues: zip(
                    header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
        for version in [1, 2] {
            _ = await CLIRunner.run(
                ["predict", "mpg@\(version)", "--data", "sample.csv", "--output", "predicted-\(version).csv"],
                in: directory.path)
            predictions[version] = try Fixtures.read(directory.url("predicted-\(version).csv")).split(separator: "\n")
                .dropFirst()
                .map { try #require(Double($0.split(separator: ",")[0])) }
        }
        return (directory, rows, predictions)
    }

    private static func number(_ text: String?) -> Any { text.flatMap(Double.init) ?? NSNull() }

    private static func v2Body(_ rows: [[String: String]], id: String? = nil) -> [String: Any] {
        var body: [String: Any] = [
            "inputs": features.map { name -> [String: Any] in
                [
                    "name": name, "shape": [rows.count], "datatype": name == "origin" ? "BYTES" : "FP64",
                    "data": rows.map { name == "origin" ? ($0[name] ?? "") as Any : number($0[name]) },
                ]
            }
        ]
        if let id { body["id"] = id }
        return body
    }

    private static func values(_ answer: RunningServer.Answer, output: String = "predict") throws -> [Double] {
        let json = try answer.json()
        if let predictions = json["predictions"] as? [Double] { return predictions }
        let outputs = try #require(json["outputs"] as? [[String: Any]])
        return try #require(outputs.first { $0["name"] as? String == output }?["data"] as? [Double])
    }

    private static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }
    }

    @Test func bothProtocolsAnswerWhatPredictWrites() async throws {
        let (directory, rows, predictions) = try await registry()
        let server = try RunningServer(["mpg@production"], in: directory.path)
        let expected = try #require(predictions[1])

        let v2 = try await server.request("POST", "/v2/models/mpg/infer", json: Self.v2Body(rows, id: "batch-1"))
        #expect(v2.status == 200, "\(v2.text)")
        #expect(try Self.close(Self.values(v2), expected))
        #expect(try v2.json()["id"] as? String == "batch-1")
        #expect(try v2.json()["model_version"] as? String == "1")
        #expect(v2.header("x-mlops-model-version") == "mpg@1")
        let pinned = try await server.request(
            "POST", "/v2/models/mpg/versions/1/infer", json: Self.v2Body(Array(rows.prefix(3))))
        #expect(try Self.close(Self.values(pinned), Array(expected.prefix(3))))

        let records = rows.map { row in
            Dictionary(
                uniqueKeysWithValues: Self.features.map { ($0, $0 == "origin" ? row[$0] as Any : Self.number(row[$0])) }
            )
        }
        let split: [String: Any] = [
            "columns": Self.features,
            "data": rows.map { row in Self.features.map { $0 == "origin" ? row[$0] as Any : Self.number(row[$0]) } },
        ]
        let columns = Dictionary(
            uniqueKeysWithValues: Self.features.map { name in (name, records.map { $0[name] as Any }) })
        for body: [String: Any] in [
            ["dataframe_split": split], ["dataframe_records": records], ["instances": records], ["inputs": columns],
        ] {
            let answer = try await server.request("POST", "/invocations", json: body)
            #expect(answer.status == 200, "\(body.keys.first ?? ""): \(answer.text)")
            #expect(try Self.close(Self.values(answer), expected), "\(body.keys.first ?? "")")
        }

        let metadata = try await server.request("GET", "/v2/models/mpg").json()
        #expect(metadata["versions"] as? [String] == ["1"])
        #expect((metadata["inputs"] as? [[String: Any]])?.map { $0["name"] as? String } == Self.features)
        #expect((metadata["inputs"] as? [[String: Any]])?.last?["datatype"] as? String == "BYTES")
        for path in [
            "/v2", "/v2/health/live", "/v2/health/ready", "/v2/models/mpg/ready", "/v2/models/mpg/versions/1", "/ping",
            "/health", "/version",
        ] {
            #expect(try await server.request("GET", path).status == 200, "\(path)")
        }
        #expect(try await server.request("GET", "/v2").json()["name"] as? String == "mlops")
        let events = server.stop()
        #expect(server.process.terminationStatus == 0)
        #expect(events.last?["event"] as? String == "stopped")
    }

    @Test func tritonClientGetsWhatPredictWrites() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Fixtures.python),
            "run scripts/bootstrap to install tritonclient")
        let (directory, _, _) = try await registry()
        let server = try RunningServer(["mpg@production"], in: directory.path)
        let checked = try Fixtures.runChecker(
            "check_triton.py",
            [
                String(server.url.dropFirst("http://".count)), "mpg", directory.url("sample.csv"),
                directory.url("predicted-1.csv"),
            ])
        #expect(checked.exitCode == 0, "\(checked.standardOutput)\(checked.standardError)")
        _ = server.stop()
    }

    @Test func aliasMovesUnderLoadWithoutAFailedRequest() async throws {
        let (directory, rows, predictions) = try await registry()
        let server = try RunningServer(["mpg@production", "--poll", "0.05"], in: directory.path)
        let body = try JSONSerialization.data(withJSONObject: Self.v2Body([rows[0]]))
        let expected = ["mpg@1": predictions[1]?[0] ?? .nan, "mpg@2": predictions[2]?[0] ?? .nan]
        let tally = AnswerTally()
        let load = tally.keepAsking(server, path: "/v2/models/mpg/infer", body: body) { answer, version in
            abs(try Self.values(answer)[0] - (expected[version] ?? .nan)) < 1e-9
        }
        #expect(try await tally.wait(until: "mpg@1", reaches: 20), "\(tally.counts)")
        #expect(
            await CLIRunner.run(["model", "promote", "mpg@2", "--to", "production"], in: directory.path).exitCode == 0)
        #expect(try await tally.wait(until: "mpg@2", reaches: 20), "\(tally.counts)")
        let firstVersionBefore = tally.counts["mpg@1", default: 0]
        #expect(
            await CLIRunner.run(["model", "rollback", "mpg", "--alias", "production"], in: directory.path).exitCode == 0
        )
        #expect(try await tally.wait(until: "mpg@1", reaches: firstVersionBefore + 20), "\(tally.counts)")
        tally.stop()
        try await load.value
        let seen = tally.counts
        #expect(Set(seen.keys) == ["mpg@1", "mpg@2"], "no failed or wrong answers: \(seen)")
        let events = server.stop()
        let swaps = events.filter { $0["event"] as? String == "swapped" }.map {
            [$0["previous"] as? Int, $0["version"] as? Int]
        }
        #expect(swaps == [[1, 2], [2, 1]], "\(events)")
    }

    @Test func canaryShareAndStickyKeys() async throws {
        let (directory, rows, _) = try await registry()
        let server = try RunningServer(
            ["mpg@production", "--split", "mpg@production=80,mpg@2=20", "--log-sample", "0"], in: directory.path)
        let body = Self.v2Body([rows[0]])
        var canary = 0
        let total = 1000
        for _ in 0..<total {
            let answer = try await server.request("POST", "/v2/models/mpg/infer", json: body)
            if answer.header("x-mlops-model-version") == "mpg@2" { canary += 1 }
        }
        // 20% of 1,000: the binomial standard deviation is 12.6, so ±50 is about four of them.
        #expect((150...250).contains(canary), "canary answered \(canary) of \(total)")
        var versionsByKey: [String: Set<String>] = [:]
        for round in 0..<3 {
            for key in 0..<40 {
                let answer = try await server.request(
                    "POST", "/v2/models/mpg/infer", json: body, headers: ["X-Routing-Key": "user-\(key)"])
                versionsByKey["user-\(key)", default: []].insert(answer.header("x-mlops-model-version") ?? "?")
                _ = round
            }
        }
        #expect(versionsByKey.values.allSatisfy { $0.count == 1 }, "\(versionsByKey)")
        #expect(Set(versionsByKey.values.flatMap { $0 }) == ["mpg@1", "mpg@2"])
        let metadata = try await server.request("GET", "/v2/models/mpg").json()
        #expect(metadata["versions"] as? [String] == ["1", "2"])
        _ = server.stop()
    }

    @Test func badRequestsGetAClear4xxAndTheServerKeepsServing() async throws {
        let (directory, rows, _) = try await registry()
        let server = try RunningServer(
            ["mpg@production", "--max-batch", "5", "--max-body", "1", "--token", "s3cret"], in: directory.path)
        let auth = ["Authorization": "Bearer s3cret"]
        let one = Self.v2Body([rows[0]])
        func variant(_ change: (inout [[String: Any]]) -> Void) throws -> [String: Any] {
            var inputs = try #require(one["inputs"] as? [[String: Any]])
            change(&inputs)
            return ["inputs": inputs]
        }
        let wrongShape = try variant { $0[0]["shape"] = [2] }
        let unknownInput = try variant { $0[0]["name"] = "colour" }
        let textForNumber = try variant {
            $0[1]["data"] = ["big"]
            $0[1]["datatype"] = "BYTES"
        }
        let badType = try variant { $0[0]["datatype"] = "COMPLEX" }
        let missingFeature = try variant { $0.removeLast() }
        let cases: [(String, String, Data, [String: String], Int, String)] = [
            (
                "no token", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: one), [:], 401,
                "bearer token"
            ),
            (
                "wrong token", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: one),
                ["Authorization": "Bearer nope"], 401, "bearer token"
            ),
            ("not JSON", "/v2/models/mpg/infer", Data("{\"inputs\": [".utf8), auth, 400, "not valid JSON"),
            ("no inputs", "/v2/models/mpg/infer", Data("{}".utf8), auth, 400, "an array of tensors, one per feature"),
            (
                "wrong shape", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: wrongShape), auth,
                400, "holds 1 values for shape [2]"
            ),
            (
                "unknown input", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: unknownInput), auth,
                400, "unknown input 'colour'"
            ),
            (
                "text for a number", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: textForNumber),
                auth, 400, "'displacement' is numeric"
            ),
            (
                "bad datatype", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: badType), auth, 400,
                "FP64 or BYTES"
            ),
            (
                "missing feature", "/v2/models/mpg/infer", try JSONSerialization.data(withJSONObject: missingFeature),
                auth, 400, "lacks feature 'origin'"
            ),
            (
                "unknown model", "/v2/models/cars/infer", try JSONSerialization.data(withJSONObject: one), auth, 404,
                "no model 'cars'"
            ),
            (
                "unknown version", "/v2/models/mpg/versions/7/infer", try JSONSerialization.data(withJSONObject: one),
                auth, 404, "version '7'"
            ),
            (
                "too many rows", "/v2/models/mpg/infer",
                try JSONSerialization.data(withJSONObject: Self.v2Body(Array(rows.prefix(6)))), auth, 413, "at most 5"
            ),
            (
                "body too large", "/v2/models/mpg/infer", Data(repeating: 0x20, count: 2 << 20), auth, 413,
                "at most 1048576"
            ),
            (
                "mlflow without a shape", "/invocations", Data("{\"rows\": []}".utf8), auth, 400,
                "needs one of: dataframe_split"
            ),
            (
                "mlflow missing feature", "/invocations", Data("{\"dataframe_records\": [{\"cylinders\": 4}]}".utf8),
                auth, 400, "lacks feature"
            ),
        ]
        for (name, path, body, headers, status, message) in cases {
            let answer = try await server.request("POST", path, body: body, headers: headers)
            #expect(answer.status == status, "\(name): \(answer.status) \(answer.text)")
            #expect(answer.text.contains(message), "\(name): \(answer.text)")
        }
        #expect(try await server.request("GET", "/v2/health/ready").status == 200)  // probes need no token
        let good = try await server.request("POST", "/v2/models/mpg/infer", json: one, headers: auth)
        #expect(good.status == 200, "\(good.text)")
        let metrics = try await server.request("GET", "/metrics", headers: auth).text
        #expect(
            metrics.contains("mlops_requests_total{model=\"mpg\",version=\"1\",protocol=\"v2\",code=\"200\"} 1"),
            "\(metrics)")
        #expect(metrics.contains("code=\"400\""))
        _ = server.stop()
        #expect(server.process.terminationStatus == 0)
    }

    @Test func predictionLogAndFeedbackReachTheDatabase() async throws {
        let (directory, rows, predictions) = try await registry()
        let server = try RunningServer(["mpg@production"], in: directory.path)
        for index in 0..<20 {
            let answer = try await server.request(
                "POST", "/v2/models/mpg/infer", json: Self.v2Body([rows[index]], id: "request-\(index)"))
            #expect(answer.status == 200)
        }
        let mlflow = try await server.request(
            "POST", "/invocations",
            json: [
                "dataframe_records": [
                    Dictionary(
                        uniqueKeysWithValues: Self.features.map {
                            ($0, $0 == "origin" ? "9" as Any : Self.number(rows[0][$0]))
                        })
                ]
            ],
            headers: ["X-Request-ID": "with-unseen-origin"])
        #expect(mlflow.header("x-request-id") == "with-unseen-origin")
        let feedback = try await server.request(
            "POST", "/v2/models/mpg/feedback",
            json: ["feedback": [["id": "request-3", "label": 17.5], ["id": "request-4", "label": 22]]])
        #expect(feedback.status == 200, "\(feedback.text)")
        #expect(try await server.request("POST", "/feedback", json: ["label": 1]).status == 400)
        // Labels for requests the log never saw are not recorded, and the answer says so.
        let mixed = try await server.request(
            "POST", "/feedback",
            json: ["feedback": [["id": "request-5", "label": 20], ["id": "never-sent", "label": 1]]])
        let counts = try mixed.json()
        #expect(
            mixed.status == 200 && counts["unknown"] as? Int == 1 && counts["recorded"] as? Int == 1, "\(mixed.text)")
        #expect(try await server.request("POST", "/feedback", json: ["id": "never-sent", "label": 1]).status == 404)
        #expect(
            try await server.request("POST", "/feedback", json: ["id": String(repeating: "x", count: 300), "label": 1])
                .status == 400)
        let events = server.stop()
        #expect(events.last?["logged"] as? Int == 21, "\(events)")

        let repository = try Repository.discover(from: directory.path)
        let log = try repository.servingLog.records(model: "mpg")
        #expect(log.count == 21)
        let third = try #require(log.first { $0.requestID == "request-3" })
        #expect(
            third.version == 1 && third.route == "mpg@production" && third.protocolName == "v2" && third.rowCount == 1)
        let inputs = try #require(try JSONSerialization.jsonObject(with: Data(third.inputs.utf8)) as? [String: [Any]])
        #expect(inputs["weight"]?.first as? Double == Double(rows[3]["weight"] ?? ""))
        #expect(inputs["origin"]?.first as? String == rows[3]["origin"])
        let outputs = try #require(try JSONSerialization.jsonObject(with: Data(third.outputs.utf8)) as? [Double])
        #expect(Self.close(outputs, [predictions[1]?[3] ?? .nan]))
        let unseen = try #require(log.first { $0.requestID == "with-unseen-origin" })
        #expect(unseen.inputs.contains("\"origin\":[\"9\"]"), "\(unseen.inputs)")
        #expect(try repository.servingLog.feedback(for: "request-3")?.label == "17.5")
        #expect(try repository.servingLog.feedback(for: "request-4")?.label == "22")
        #expect(try repository.servingLog.feedback(for: "never-sent") == nil)
    }
}
