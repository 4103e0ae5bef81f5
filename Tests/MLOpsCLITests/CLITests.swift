import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsTestSupport
import Testing

@testable import MLOpsCLI

@Suite struct OutputConventionTests {
    @Test func jsonOutputIsOnlyJSONWithSortedKeys() async throws {
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init"], in: directory.path)
        try Fixtures.write("x\n", to: directory.url("a.txt"))
        for arguments in [["add", "a.txt"], ["status"], ["ls"], ["fsck"], ["gc", "--dry-run"], ["diff"]] {
            let result = await CLIRunner.run(arguments + ["--json"], in: directory.path, terminal: true)
            #expect(result.exitCode == 0, "\(arguments): \(result.standardError)")
            let object = try #require(try result.json() as? [String: Any], "\(arguments)")
            #expect(!object.isEmpty)
            #expect(!result.standardOutput.contains("\u{1B}["))
        }
        let status = await CLIRunner.run(["status", "--json"], in: directory.path)
        let keys = status.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
            $0.split(separator: "\"")[1]
        }
        #expect(keys == ["changes", "clean", "missing", "not_in_cache", "stale_stages", "tracked"])
    }

    @Test func colorsOnlyOnATerminalAndNeverWithNoColor() async throws {
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init"], in: directory.path)
        try Fixtures.write("x\n", to: directory.url("a.txt"))
        let colored = await CLIRunner.run(["add", "a.txt"], in: directory.path, terminal: true)
        #expect(colored.standardOutput.contains("\u{1B}["))
        try Fixtures.write("y\n", to: directory.url("a.txt"))
        let noColor = await CLIRunner.run(
            ["status"], in: directory.path, environment: ["NO_COLOR": "1"], terminal: true)
        #expect(noColor.standardOutput.contains("modified"))
        #expect(!noColor.standardOutput.contains("\u{1B}["))
        let piped = await CLIRunner.run(["status"], in: directory.path)
        #expect(!piped.standardOutput.contains("\u{1B}[") && piped.standardOutput.contains("modified"))
    }

    @Test func errorsCarryAHintAndAJSONPayload() async throws {
        let outside = try TemporaryDirectory()
        let result = await CLIRunner.run(["status", "--json"], in: outside.path)
        #expect(result.exitCode == 5)
        #expect(result.standardError.contains("not an mlops repository (or any parent)"))
        #expect(result.standardError.contains("hint: run `mlops init`"))
        let payload = try #require(try result.json() as? [String: [String: Any]])
        #expect(payload["error"]?["code"] as? String == "notARepository")
        #expect(payload["error"]?["exit_code"] as? Int == 5)
    }
}

@Suite struct ExitCodeTests {
    @Test func everyErrorCodeHasADistinctDocumentedStatus() {
        let codes = MLOpsError.Code.allCases.map(ExitStatus.code(for:))
        #expect(Set(codes).count == codes.count)
        let documented = Set(ExitStatus.table.map(\.code))
        #expect(codes.allSatisfy(documented.contains))
        #expect(ExitStatus.table.first?.code == 0)
    }

    @Test func helpExitCodesPrintsTheTable() async throws {
        let result = await CLIRunner.run(["help", "exit-codes"], in: "/")
        #expect(result.exitCode == 0)
        for status in ExitStatus.table { #expect(result.standardOutput.contains(status.name)) }
    }

    @Test func theBinaryReportsStatusesAProcessCanSee() throws {
        let directory = try TemporaryDirectory()
        #expect(try CLIRunner.execute(["status"], in: directory.path).exitCode == 5)
        #expect(try CLIRunner.execute(["add", "--no-such-flag"], in: directory.path).exitCode == 64)
        let version = try CLIRunner.execute(["--version"], in: directory.path)
        #expect(version.exitCode == 0 && version.standardOutput == ToolVersion.description + "\n")
        let help = try CLIRunner.execute(["--help"], in: directory.path)
        #expect(help.standardOutput.contains("DATA VERSIONING SUBCOMMANDS"))
        #expect(try CLIRunner.execute(["init"], in: directory.path).exitCode == 0)
        let again = try CLIRunner.execute(["init"], in: directory.path)
        #expect(again.exitCode == 0 && again.standardOutput.contains("already exists"))
        try Fixtures.write("x\n", to: directory.url("a.txt"))
        #expect(try CLIRunner.execute(["add", "a.txt"], in: directory.path).exitCode == 0)
        #expect(try CLIRunner.execute(["status", "--exit-code"], in: directory.path).exitCode == 0)
        try Fixtures.write("changed\n", to: directory.url("a.txt"))
        #expect(try CLIRunner.execute(["status", "--exit-code", "-q"], in: directory.path).exitCode == 2)
        #expect(try CLIRunner.execute(["checkout"], in: directory.path).exitCode == 9)
        #expect(try CLIRunner.execute(["add", "missing.csv"], in: directory.path).exitCode == 8)
        #expect(try CLIRunner.execute(["add", "/etc/hostname"], in: directory.path).exitCode == 65)
    }
}
