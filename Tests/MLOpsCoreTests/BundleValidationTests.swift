import Foundation
import MLOpsStore
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

/// A bundle's manifest is shown to people and read by other tools: control characters (terminal escapes) and
/// repeated members are refused at import, and nothing is registered.
@Suite struct BundleValidationTests {
    @Test func manifestsWithEscapesOrRepeatedMembersAreRefused() async throws {
        let directory = try await Fixtures.experimentRepository()
        let run = try await Fixtures.trainedRun(["--param", "rounds=3"], in: directory)
        #expect(
            await CLIRunner.run(["export", "run:" + run, "--output", "b.tar.gz"], in: directory.path).exitCode == 0)
        let files = try BundleArchive.read(directory.url("b.tar.gz"), consequence: "nothing was imported")
        let manifest = String(decoding: try #require(files[Repository.bundleManifest]), as: UTF8.self)
        let model = try #require(files[Repository.bundleModel])
        for (damaged, problem) in [
            (
                manifest.replacingOccurrences(of: #""run_id" : ""#, with: #""run_id" : "\u001b]0;owned\u0007"#),
                "control characters"
            ),
            (
                manifest.replacingOccurrences(
                    of: #""format" : "mlops-bundle","#, with: #""format" : "mlops-bundle", "format" : "other","#),
                "twice"
            ),
        ] {
            #expect(damaged != manifest, "the fixture did not change: \(problem)")
            let bytes = Data(damaged.utf8)
            let checksums = [(Repository.bundleModel, model), (Repository.bundleManifest, bytes)]
                .map { "\(ObjectID(hashing: Array($0.1)).hex)  \($0.0)\n" }.joined()
            try BundleArchive.write(
                [
                    (Repository.bundleModel, model), (Repository.bundleManifest, bytes),
                    (Repository.bundleChecksums, Data(checksums.utf8)),
                ],
                to: directory.url("damaged.tar.gz"))
            let imported = await CLIRunner.run(["import", "damaged.tar.gz", "--name", "x"], in: directory.path)
            #expect(imported.exitCode == 65 && imported.standardError.contains(problem), "\(imported.standardError)")
        }
        #expect(
            await CLIRunner.run(["model", "list", "--json"], in: directory.path).standardOutput.contains("\"x\"")
                == false)
    }
}
