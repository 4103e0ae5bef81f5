import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

/// The repository's own file formats never trap on malformed input, and refusing one writes nothing: each fuzz
/// case is accepted or refused with an `MLOpsError`. (`scripts/fuzz` runs the same fuzzers with a larger budget.)
@Suite struct ParserFuzzTests {
    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func pointerFiles() {
        var fuzzer = Fuzzer("pointer-file")
        let samples = [
            "# Tracked by mlops\noid: sha256:\(String(repeating: "ab", count: 32))\nsize: 1234\nkind: file\n",
            "oid: sha256:\(String(repeating: "0f", count: 32))\nsize: 99\nkind: dir\nfiles: 3\ndesc: \"training data\"\n",
        ].map { Array($0.utf8) }
        fuzzer.run(samples: samples, tokens: ["oid:", "size:", "kind:", "files:", "sha256:"]) { bytes in
            let pointer = try PointerFile.parse(Self.text(bytes), path: "data.csv.mlops")
            #expect(ByteCount.isPlausible(pointer.size))
            _ = try PointerFile.parse(pointer.rendered(), path: "rendered")
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func repositoryConfiguration() {
        var fuzzer = Fuzzer("config-yaml")
        let samples = [
            RepositoryConfig().rendered(),
            """
            format: 1
            core:
              link: hardlink
              remote: storage
            remote:
              storage:
                url: s3://bucket/prefix
                endpoint_url: http://127.0.0.1:9000
            registry:
              approval:
                production:
                  data: data/holdout.csv
                  gates: ["rmse < 3.5"]
                  max_regression: ["rmse=2%"]

            """,
        ].map { Array($0.utf8) }
        fuzzer.run(samples: samples, tokens: ["format:", "link:", "url:", "s3://", "gates:"]) { bytes in
            _ = try RepositoryConfig.parse(Self.text(bytes), path: "config.yaml")
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func pipelinesAndTheirGraphs() {
        var fuzzer = Fuzzer("mlops-yaml")
        let samples = [
            """
            stages:
              prepare:
                cmd: python3 prepare.py ${params.prepare.split} data/raw.csv
                deps: [data/raw.csv, prepare.py, {path: data/extra.csv, validate: data/extra.schema.yaml}]
                params: [prepare.split, {other.yaml: [a, b]}]
                outs: [data/train.csv, data/holdout.csv]
                metrics: [metrics.json]
              train:
                foreach: [7, 15, 31]
                do:
                  cmd: mlops train --param max_leaves=${item} > out-${item}.json
                  deps: [data/train.csv]
                  outs:
                    - out-${item}.json
                  wdir: .

            """
        ].map { Array($0.utf8) }
        fuzzer.run(
            samples: samples,
            tokens: [
                "stages:", "cmd:", "outs:", "deps:", "metrics:", "metrics.json", "wdir:", "foreach:", ".git", ".mlops",
            ]
        ) { bytes in
            let graph = try PipelineGraph(stages: try PipelineFile.parse(Self.text(bytes), path: "mlops.yaml"))
            for stage in graph.stages {
                for path in stage.outs + stage.deps + [stage.wdir] {
                    #expect(WorkspacePath.contained(path) == path, "\(path) escapes")
                    #expect(!path.split(separator: "/").contains { $0 == ".git" || $0 == ".mlops" }, "\(path)")
                }
            }
            _ = graph.order
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func dataSchemas() throws {
        var fuzzer = Fuzzer("schema-yaml")
        let samples = [
            """
            rows: {min: 10, max: 1000000}
            extra_columns: reject
            columns:
              mpg: {type: number, min: 9, max: 46.6, missing: 0}
              origin: {type: category, values: ["1", "2", usa]}
              id: {type: integer, unique: true, required: true}
              note: {required: false, missing: 5%}
              free:

            """
        ].map { Array($0.utf8) }
        fuzzer.run(
            samples: samples,
            tokens: [
                "columns:", "type:", "min:", "max:", "values:", "missing:", "unique:", "rows:", "%", ".inf", "'",
                "it's", "&a ", "*a", "\"x\\\\\"",
            ]
        ) { bytes in
            let schema = try SchemaFile.parse(Self.text(bytes), path: "schema.yaml")
            #expect(schema.problem() == nil)
            // What is accepted renders to a file that reads back as the same contract.
            #expect(try SchemaFile.parse(try SchemaFile.render(schema), path: "rendered") == schema)
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func parametersMetricsAndTheLockFile() throws {
        var params = Fuzzer("params-yaml")
        params.run(samples: [
            Array("prepare:\n  split: 0.2\n  seed: 3\nmodel: {depth: 7, name: gbdt}\nlist: [1, 2]\n".utf8)
        ]) { bytes in
            _ = try Repository.parseParams(Self.text(bytes), path: "params.yaml")
        }
        #expect(params.failures.isEmpty, "\(params.summary)")
        #expect(params.accepted > params.cases / 100 && params.refused > params.cases / 100, "\(params.summary)")
        var metrics = Fuzzer("metrics-json")
        metrics.run(samples: [Array(#"{"rmse": 2.5, "nested": {"r2": 0.9}, "count": 3}"#.utf8)], structured: true) {
            bytes in
            _ = try Repository.parseMetrics(Data(bytes), path: "metrics.json")
        }
        #expect(metrics.failures.isEmpty, "\(metrics.summary)")
        #expect(metrics.accepted > metrics.cases / 100 && metrics.refused > metrics.cases / 100, "\(metrics.summary)")
        #expect(throws: MLOpsError.self) {
            try Repository.parseMetrics(Data(#"{"c": 1, "c": 2}"#.utf8), path: "m.json")
        }

        let directory = try TemporaryDirectory()
        let record = StageRecord(
            cmd: ["echo 'a' > b"], deps: ["in.txt": "sha256:" + String(repeating: "1", count: 64)], params: ["x": "1"],
            outs: ["b": "sha256:" + String(repeating: "2", count: 64)])
        try PipelineLock.write(["stage": record, "other@7": record], root: directory.path)
        var lock = Fuzzer("mlops-lock")
        lock.run(samples: [Array(try Fixtures.read(directory.url(PipelineLock.name)).utf8)]) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: directory.url(PipelineLock.name)))
            _ = try PipelineLock.read(root: directory.path)
        }
        #expect(lock.failures.isEmpty, "\(lock.summary)")
        #expect(lock.accepted > lock.cases / 100 && lock.refused > lock.cases / 100, "\(lock.summary)")
    }

    @Test func directoryManifestsNeverLeadOutsideTheirDirectory() {
        var fuzzer = Fuzzer("directory-manifest")
        let manifest = DirectoryManifest(entries: [
            .init(path: "a.csv", oid: ObjectID(hashing: Array("a".utf8)), size: 1, exec: false),
            .init(path: "sub/b.csv", oid: ObjectID(hashing: Array("b".utf8)), size: 2, exec: true),
        ])
        fuzzer.run(
            samples: [manifest.encoded()], tokens: ["../", "/etc/", "\"path\":\"", "\"size\":-"], structured: true
        ) { bytes in
            let decoded = try DirectoryManifest(decoding: bytes, id: ObjectID(hashing: bytes))
            for entry in decoded.entries {
                #expect(WorkspacePath.contained(entry.path) == entry.path && !entry.path.isEmpty, "\(entry.path)")
                #expect(ByteCount.isPlausible(entry.size))
            }
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    /// Bundles: raw bytes (the archive layer), then well-formed archives around a mutated manifest and model
    /// with correct checksums, imported (the manifest and model checks). A refused import leaves the registry
    /// and the object store as they were.
    @Test func trainingRecipes() throws {
        var fuzzer = Fuzzer("training-recipe")
        let sample = TrainingRecipe(
            data: "data/train.csv", dataOid: "sha256:" + String(repeating: "ab", count: 32), target: "mpg",
            features: ["weight", "origin"], categorical: ["origin"], learner: .gbdt, params: ["max_leaves": "15"],
            testFraction: 0.2, schema: "data/train.schema.yaml", schemaOid: nil, searchedParams: ["max_leaves": "15"])
        fuzzer.run(samples: [try sample.encoded()], tokens: ["\"learner\"", "\"params\"", "null"], structured: true) {
            bytes in
            let recipe = try TrainingRecipe.decode(bytes, source: "fuzzed")
            #expect(try TrainingRecipe.decode(try recipe.encoded(), source: "again") == recipe)
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    /// Paths from run records and bundles are where a rebuild writes: whatever they say, the answer is inside the
    /// repository and outside `.git` and `.mlops`, or an `MLOpsError`.
    @Test func rebuildPathsStayInsideTheCheckout() throws {
        let (directory, repository) = try Fixtures.repository()
        try FileManager.default.createDirectory(atPath: directory.url("data"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.url("outside"), withDestinationPath: "/tmp")
        var fuzzer = Fuzzer("rebuild-path")
        let samples = ["data/train.csv", "out/model.json", "a/b/../c.txt"].map { Array($0.utf8) }
        fuzzer.run(samples: samples, tokens: ["../", "/", ".git/", ".mlops/", "outside/", "./", "//"]) { bytes in
            let path = try repository.rebuildPath(Self.text(bytes), what: "the input")
            let inside = path.hasPrefix(repository.root + "/")
            let reserved = [".git", ".mlops", "outside"].contains {
                path == repository.root + "/" + $0 || path.hasPrefix(repository.root + "/" + $0 + "/")
            }
            #expect(inside && !reserved, "\(String(reflecting: Self.text(bytes))) → \(path)")
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    /// Whatever a path holds, it stays inside one quoted label on its node's or edge's line in Mermaid and DOT.
    @Test func lineageGraphLabels() {
        var fuzzer = Fuzzer("lineage-graph-label", cases: 2_000)
        let tokens = ["\"", "\\", "<", ">", "#", "\n", "]", "|", ";", "-->"]
        fuzzer.run(samples: [Array("data/train.csv".utf8)], tokens: tokens) { bytes in
            let path = Self.text(bytes)
            func use(_ id: String, through: String?) -> DataLineage.Use {
                DataLineage.Use(
                    runId: id, name: path, kind: .stage, status: .finished, started: Date(timeIntervalSince1970: 0),
                    path: path, oid: "sha256:00", current: false, through: through, versions: [path])
            }
            let graph = LineageGraph(
                DataLineage(path: path, oid: nil, uses: [use("a", through: nil), use("b", through: "a")]))
            for line in graph.mermaid.split(separator: "\n").dropFirst() {
                let quotes = line.filter { $0 == "\"" }.count
                let isEdge = line.contains(" -->|\"")
                #expect(quotes == 2 && (!isEdge || line.filter { $0 == "|" }.count == 2), "\(graph.mermaid)")
            }
            for line in graph.dot.split(separator: "\n").dropFirst(3).dropLast() {
                var escaped = false
                var quotes = 0
                for character in line {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        quotes += 1
                    }
                }
                #expect(quotes == 2 && line.hasSuffix(";"), "\(graph.dot)")
            }
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
    }

    @Test func bundlesAreImportedWholeOrNotAtAll() async throws {
        let directory = try await Fixtures.experimentRepository()
        let runId = try await Fixtures.trainedRun(["--param", "rounds=5"], in: directory)
        #expect(
            await CLIRunner.run(["model", "register", "run:" + runId, "--name", "mpg"], in: directory.path).exitCode
                == 0)
        #expect(await CLIRunner.run(["export", "mpg@1", "--output", "mpg.tar.gz"], in: directory.path).exitCode == 0)
        let repository = try Repository(root: directory.path)
        let original = try BundleArchive.read(directory.url("mpg.tar.gz"), consequence: "nothing was imported")
        let path = directory.url("fuzzed.tar.gz")
        func state() throws -> (versions: Int, objects: [String]) {
            let versions: Int
            do {
                versions = try repository.registry.versions(of: "fuzzed").count
            } catch let error as MLOpsError where error.code == .notFound {
                versions = 0
            }
            let objects = try FileManager.default.subpathsOfDirectory(atPath: directory.url(".mlops/objects")).sorted()
            return (versions, objects)
        }
        func importing(_ write: () throws -> Void) throws {
            let before = try state()
            try write()
            do {
                _ = try repository.importBundle(path, name: "fuzzed", workingDirectory: directory.path)
            } catch {
                let after = try state()
                #expect(
                    after.versions == before.versions && after.objects == before.objects,
                    "a refused import changed the repository")
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url(".mlops/tmp"))
                #expect(leftovers.isEmpty, "\(leftovers)")
                throw error
            }
        }

        // The archive reader alone takes the full budget; whole imports (which store and sync) a smaller one.
        var raw = Fuzzer("bundle-archive")
        raw.run(samples: [Array(try Data(contentsOf: URL(fileURLWithPath: directory.url("mpg.tar.gz"))))]) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            _ = try BundleArchive.read(path, consequence: "nothing was imported")
        }
        #expect(raw.failures.isEmpty, "\(raw.summary)")
        // About 2 % of the mutations leave a valid archive (seeds 1–3: 179–204 of 10,000).
        #expect(raw.accepted > raw.cases / 200 && raw.refused > raw.cases / 100, "\(raw.summary)")

        let manifest = try #require(original[Repository.bundleManifest])
        let model = try #require(original[Repository.bundleModel])
        var contents = Fuzzer("bundle-manifest", cases: 1_000)
        var choice = SeededGenerator(seed: contents.seed)
        contents.run(samples: [Array(manifest), Array(model)], structured: true) { bytes in
            // Half the cases change the manifest, half the model (then the manifest is made to name its id).
            var files = [(Repository.bundleManifest, Data(manifest)), (Repository.bundleModel, Data(model))]
            if let profile = original[Repository.bundleProfile] { files.append((Repository.bundleProfile, profile)) }
            if choice.nextIndex(below: 2) == 0 {
                files[0].1 = Data(bytes)
            } else {
                files[1].1 = Data(bytes)
                let named = Self.text(Array(manifest)).replacingOccurrences(
                    of: ObjectID(hashing: Array(model)).description, with: ObjectID(hashing: bytes).description)
                files[0].1 = Data(named.utf8)
            }
            let checksums = files.map { "\(ObjectID(hashing: Array($0.1)).hex)  \($0.0)\n" }.joined()
            try importing {
                try BundleArchive.write(files + [(Repository.bundleChecksums, Data(checksums.utf8))], to: path)
            }
        }
        #expect(contents.failures.isEmpty, "\(contents.summary)")
        #expect(contents.accepted > 0 && contents.refused > contents.cases / 2, "\(contents.summary)")
    }
}

/// What a remote hands back for the records of runs and the registry (docs/formats.md, "Records on a remote"):
/// accepted whole or refused with an `MLOpsError`, never a trap, before anything is merged.
@Suite struct RecordFuzzTests {
    @Test func recordLogEntries() throws {
        var fuzzer = Fuzzer("record-log-entry")
        let version = SharedVersion(
            oid: "sha256:" + String(repeating: "ab", count: 32), runId: "01a24ade-0000-7000-8000-000000000001",
            source: "run:01a24ade-0000-7000-8000-000000000001", gitCommit: nil,
            signature: Signature(
                features: [Signature.Feature(name: "weight", kind: .numeric)], target: "mpg", task: .regression),
            metrics: ["rmse": 3.1], createdNs: 1, actor: "a@b", lineage: nil,
            metricsFrom: MetricsSource(
                runId: "01a24ade-0000-7000-8000-000000000009", kind: "eval",
                inputs: [Run.Input(path: "holdout.csv", oid: "sha256:" + String(repeating: "ef", count: 32))]))
        func event(_ kind: SharedEvent.Kind, _ index: Int) -> SharedEvent {
            SharedEvent(
                id: "01a24ade-0000-7000-8000-00000000000\(index)", kind: kind, actor: "a@b", atNs: 1, model: "mpg",
                alias: kind == .promote ? "production" : nil, fromVersion: kind == .delete ? 1 : nil, toVersion: 1,
                reason: "why", version: kind == .register ? version : nil,
                tag: kind == .tag ? SharedEvent.VersionTag(key: "k", value: "v") : nil,
                approval: kind == .promote
                    ? [
                        EvaluationReport.GateResult(
                            gate: "rmse < 4", metric: "rmse", value: 3.1, limit: 4, passed: true)
                    ]
                    : nil)
        }
        let entry = RecordLogEntry(
            position: 2, previous: String(repeating: "0", count: 64), pushedBy: "a@b", pushedNs: 1,
            runs: [.init(id: "01a24ade-0000-7000-8000-000000000001", sha256: String(repeating: "1", count: 64))],
            events: [event(.register, 1), event(.promote, 2), event(.tag, 3), event(.delete, 4)]
                + [
                    SharedEvent(
                        id: "01a24ade-0000-7000-8000-000000000006", kind: .rollback, actor: "a", atNs: 1, model: "mpg",
                        alias: "production", fromVersion: 2, toVersion: 1, reason: "broken", gatesSkipped: true),
                    SharedEvent(
                        id: "01a24ade-0000-7000-8000-000000000005", kind: .runTag, actor: "a", atNs: 1,
                        run: "01a24ade-0000-7000-8000-000000000001", tags: ["best": "true"]),
                ])
        let samples = [try entry.encoded()]
        fuzzer.run(
            samples: samples, tokens: ["\"kind\"", "register", "promote", "rollback", "toVersion", "gatesSkipped"],
            structured: true
        ) {
            bytes in
            let decoded = try RecordLogEntry.decode(bytes, position: 2, remote: "fuzz")
            for event in decoded.events { try event.validate() }
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func runRecords() throws {
        var fuzzer = Fuzzer("run-record")
        let record = RunRecord(
            id: "01a24ade-0000-7000-8000-000000000001", name: "r", kind: "train", status: "finished", startedNs: 1,
            endedNs: 2, gitCommit: nil, gitDirty: false, toolVersion: "0.1.0", host: "h", parentId: nil, command: nil,
            exitStatus: nil, params: ["seed": "1"], tags: [:],
            metrics: ["rmse": .init(steps: [0, 1], values: [3.5, 3.1], timestampsNs: [1, 2])],
            inputs: [Run.Input(path: "a.csv", oid: "sha256:" + String(repeating: "cd", count: 32), pointer: nil)],
            artifacts: [])
        var evaluation = record
        evaluation.kind = "eval"
        evaluation.status = "failed_gate"
        evaluation.gates = [
            EvaluationReport.GateResult(gate: "rmse < 3", metric: "rmse", value: 3.1, limit: 3, passed: false)
        ]
        let samples = [try SharedJSON.encode(record), try SharedJSON.encode(evaluation)]
        fuzzer.run(
            samples: samples, tokens: ["\"steps\"", "finished", "running", "failed_gate", "\"gates\""],
            structured: true
        ) { bytes in
            // The hash the entry would hold for these bytes, so the fuzzer reaches past the hash check.
            let run = RecordLogEntry.PublishedRun(id: record.id, sha256: RecordLogEntry.digest(bytes))
            _ = try RunRecord.decode(bytes, publishedAs: run, remote: "fuzz")
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }
}
