import Foundation
import MLOpsTestSupport
import Testing

/// Every learner and task exported to ONNX and run by ONNX Runtime (from `.build/venv`, which
/// `scripts/bootstrap` installs from scripts/test-requirements.txt) predicts what `mlops predict` does.
@Suite struct ONNXTests {
    static let cases: [(data: String, target: String, learner: String)] = [
        ("auto-mpg.csv", "mpg", "gbdt"), ("auto-mpg.csv", "mpg", "forest"), ("auto-mpg.csv", "mpg", "linear"),
        ("auto-mpg.csv", "origin", "gbdt"), ("auto-mpg.csv", "origin", "forest"),
        ("auto-mpg.csv", "origin", "logistic"),
        ("elecdemand.csv", "WorkDay", "gbdt"), ("elecdemand.csv", "WorkDay", "forest"),
        ("elecdemand.csv", "WorkDay", "logistic"),
    ]

    @Test(arguments: cases.indices)
    func onnxRuntimeAgreesWithMLOpsPredict(_ index: Int) async throws {
        let (data, target, learner) = Self.cases[index]
        try #require(
            FileManager.default.isExecutableFile(atPath: Fixtures.python),
            "run scripts/bootstrap to install onnxruntime")
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        let source = data == "auto-mpg.csv" ? "auto-mpg/data/auto-mpg.csv" : "electricity/elecdemand.csv"
        var text = try Fixtures.read(Fixtures.example(source))
        if data == "auto-mpg.csv" {
            // Missing values and an unseen category exercise the learned default directions.
            var lines = text.split(separator: "\n").map(String.init)
            lines[1] = lines[1].replacingOccurrences(of: ",130,", with: ",,")
            lines[2] = lines[2].replacingOccurrences(of: ",70,1,", with: ",70,9,")
            text = lines.joined(separator: "\n") + "\n"
        }
        try Fixtures.write(text, to: directory.url(data))
        let parameters =
            learner == "forest" ? ["--param", "trees=15"] : learner == "gbdt" ? ["--param", "rounds=40"] : []
        let trained = await CLIRunner.run(
            [
                "train", "--data", data, "--target", target, "--model", learner, "--categorical", "origin",
                "--categorical", "WorkDay", "--json",
            ] + parameters + (data == "elecdemand.csv" ? ["--feature", "Demand", "--feature", "Temperature"] : []),
            in: directory.path)
        #expect(trained.exitCode == 0, "\(trained.standardError)")
        let run = try #require((try trained.json() as? [String: Any])?["run_id"] as? String)
        let exported = await CLIRunner.run(
            ["export", "run:" + run, "--format", "onnx", "--output", "model.onnx"], in: directory.path)
        #expect(exported.exitCode == 0, "\(exported.standardError)")
        let predicted = await CLIRunner.run(
            ["predict", "run:" + run, "--data", data, "--output", "predictions.csv"], in: directory.path)
        #expect(predicted.exitCode == 0, "\(predicted.standardError)")

        let checked = try Fixtures.runChecker(
            "check_onnx.py", [directory.url("model.onnx"), directory.url(data), directory.url("predictions.csv")])
        #expect(checked.exitCode == 0, "\(target) by \(learner): \(checked.standardOutput)\(checked.standardError)")
    }
}
