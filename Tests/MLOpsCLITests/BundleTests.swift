import Foundation
import MLOpsTestSupport
import Testing

/// `export --format bundle` and `import` between real repositories, and every bundle shape import refuses.
@Suite struct BundleTests {
    private func registry() async throws -> TemporaryDirectory {
        try await Fixtures.registry([Fixtures.fiveFeatures("gbdt")]).directory
    }

    @Test func aBundleCarriesTheModelAndItsLineageToAnotherRepository() async throws {
        let source = try await registry()
        let bundle = source.url("mpg-1.tar.gz")
        let exported = await CLIRunner.run(["export", "mpg@1", "--output", bundle], in: source.path)
        #expect(exported.exitCode == 0, "\(exported.standardError)")
        let again = source.url("again.tar.gz")
        // A second later: gzip headers carry the time of writing unless the writer leaves it out.
        try await Task.sleep(for: .milliseconds(1_100))
        _ = await CLIRunner.run(["export", "mpg@latest", "--output", again], in: source.path)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: bundle)) == (try Data(contentsOf: URL(fileURLWithPath: again))))

        let target = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: target.path)
        try FileManager.default.copyItem(atPath: source.url("auto-mpg.csv"), toPath: target.url("auto-mpg.csv"))
        let imported = await CLIRunner.run(["import", bundle, "--name", "fuel", "--json"], in: target.path)
        #expect(imported.exitCode == 0, "\(imported.standardError)")
        let version = try #require(try imported.json() as? [String: Any])
        #expect(version["version"] as? Int == 1)
        #expect((version["lineage"] as? [String: Any])?["origin"] as? String == "mpg@1")

        let original = try #require(
            try await CLIRunner.run(["model", "show", "mpg@1", "--json"], in: source.path).json() as? [String: Any])
        #expect(version["oid"] as? String == (try #require(original["oid"] as? String)))
        #expect(version["git_commit"] as? String == (try #require(original["git_commit"] as? String)))
        let metrics = try #require(original["metrics"] as? [String: Double])
        #expect(!metrics.isEmpty && version["metrics"] as? [String: Double] == metrics)
        let inputs = try #require(version["inputs"] as? [[String: String]])
        #expect(inputs == (original["inputs"] as? [[String: String]]))
        #expect(inputs.first?["pointer"] == "auto-mpg.csv.mlops")

        let before = await CLIRunner.run(["predict", "mpg@1", "--data", "auto-mpg.csv"], in: source.path)
        let after = await CLIRunner.run(["predict", "fuel@1", "--data", "auto-mpg.csv"], in: target.path)
        #expect(after.exitCode == 0)
        #expect(before.standardOutput == after.standardOutput)
    }

    /// Writes a tar.gz with Python's tarfile, which can make every shape a hostile archive takes.
    private func craft(_ path: String, _ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import io, sys, tarfile\nt = tarfile.open(sys.argv[1], 'w:gz')\n" + script + "\nt.close()", path,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func importRefusesHostileAndDamagedBundlesWritingNothing() async throws {
        let source = try await registry()
        let valid = source.url("valid.tar.gz")
        _ = await CLIRunner.run(["export", "mpg@1", "--output", valid], in: source.path)
        let add =
            "def add(name, data, **kw):\n    info = tarfile.TarInfo(name); info.size = len(data)\n"
            + "    for k, v in kw.items(): setattr(info, k, v)\n    t.addfile(info, io.BytesIO(data))\n"
        let copyValid =
            "src = tarfile.open('\(valid)')\nfiles = {m.name: src.extractfile(m).read() for m in src.getmembers()}\n"
        let cases: [(String, String, String)] = [
            ("absolute", add + "add('/etc/evil', b'x')", "absolute path"),
            ("dotdot", add + "add('../evil', b'x')", "leaves the bundle"),
            ("symlink", add + "add('link', b'', type=tarfile.SYMTYPE, linkname='/etc/passwd')", "not a regular file"),
            ("device", add + "add('dev', b'', type=tarfile.CHRTYPE, devmajor=1, devminor=3)", "not a regular file"),
            ("many", add + "for i in range(65): add('f%d' % i, b'x')", "more than 64 entries"),
            ("bomb", add + "add('model.json', bytes(64 << 20))", "compression bomb"),
            (
                "extra", copyValid + add + "[add(n, d) for n, d in files.items()]\nadd('run.sh', b'rm -rf /')",
                "unexpected entry 'run.sh'"
            ),
            (
                "tampered",
                copyValid + add
                    + "files['model.json'] = files['model.json'].replace(b'\"learning_rate\":0.1', b'\"learning_rate\":0.2')\n"
                    + "[add(n, d) for n, d in files.items()]", "does not match its checksum"
            ),
            ("missing", copyValid + add + "add('model.json', files['model.json'])", "it lacks"),
        ]
        let target = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: target.path)
        for (name, script, message) in cases {
            let path = target.url("\(name).tar.gz")
            try craft(path, script)
            let result = await CLIRunner.run(["import", path, "--name", "x"], in: target.path)
            #expect(result.exitCode == 65, "\(name): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(name): \(result.standardError)")
        }
        try Fixtures.write("not an archive", to: target.url("plain.tar.gz"))
        #expect(await CLIRunner.run(["import", "plain.tar.gz", "--name", "x"], in: target.path).exitCode == 65)
        let models = try #require(
            try await CLIRunner.run(["model", "list", "--json"], in: target.path).json() as? [Any])
        #expect(models.isEmpty)
        let objects = try FileManager.default.subpathsOfDirectory(atPath: target.url(".mlops/objects")).filter {
            $0.count > 60
        }
        #expect(objects.isEmpty)
    }
}
