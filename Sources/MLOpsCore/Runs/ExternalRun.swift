import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore
import Yams

/// What `mlops run` tracks around an external command.
public struct ExternalRunOptions: Sendable {
    /// The command and its arguments.
    public var command: [String]
    public var name: String?
    /// A YAML (or JSON) file of parameters the command reads; recorded before it starts.
    public var paramsFile: String?
    /// A JSON file of metrics (`{"rmse": 3.1, …}`) the command writes; recorded after it ends.
    public var metricsFile: String?
    /// Files or directories the command reads, recorded with their object ids.
    public var inputs: [String] = []
    /// Files the command writes, stored as the run's artifacts after it ends.
    public var outputs: [String] = []

    public init(command: [String], name: String? = nil, paramsFile: String? = nil, metricsFile: String? = nil) {
        self.command = command
        self.name = name
        self.paramsFile = paramsFile
        self.metricsFile = metricsFile
    }
}

/// How an external run ended.
public struct ExternalRunOutcome: Codable, Sendable {
    public var runId: String
    public var status: RunStatus
    /// The command's exit status, or the signal number that stopped it (with status `killed`).
    public var exitStatus: Int
    public var metrics: [String: Double]
    public var artifacts: [String]
    public var durationSeconds: Double
}

extension Repository {
    /// The environment variables a tracked command receives: its run id and the repository, so it (or the
    /// scripts it starts) can record more with `mlops log`.
    public static let runEnvironmentVariable = "MLOPS_RUN_ID"
    public static let repositoryEnvironmentVariable = "MLOPS_REPOSITORY"

    /// Runs `options.command` as a tracked run: records params and inputs, starts the command with
    /// `MLOPS_RUN_ID` set (its standard streams are the caller's), waits, then records the exit status, the
    /// metrics file and the outputs. The run is `finished` on exit status 0, `failed` otherwise, `killed` when a
    /// signal stopped the command.
    public func runExternal(_ options: ExternalRunOptions, workingDirectory: String, environment: [String: String])
        throws
        -> ExternalRunOutcome
    {
        guard let executable = options.command.first else {
            throw MLOpsError(.usage, "no command to run", hint: "put it after --, as in: mlops run -- python train.py")
        }
        let params =
            try options.paramsFile.map { try Self.readParams(WorkspacePath.absolute($0, relativeTo: workingDirectory)) }
            ?? [:]
        let inputs = try options.inputs.map {
            try lineage(of: WorkspacePath.absolute($0, relativeTo: workingDirectory))
        }
        let started = Date()
        // Quoted as a shell reads it back, so `mlops reproduce` can run the same command.
        let commandLine = options.command.map(Self.shellQuoted).joined(separator: " ")
        let defaultName = (executable as NSString).lastPathComponent
        let id = try runs.start(name: options.name ?? defaultName, kind: .external, command: commandLine, at: started)
        try runs.logParams(params, run: id)
        try runs.logInputs(inputs, run: id)
        if let directory = WorkspacePath.relative(workingDirectory, to: root), !directory.isEmpty {
            try runs.tag([Self.workingDirectoryTag: directory], run: id)
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + options.command.dropFirst()
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        var childEnvironment = environment
        childEnvironment[Self.runEnvironmentVariable] = id
        childEnvironment[Self.repositoryEnvironmentVariable] = root
        process.environment = childEnvironment
        do {
            try process.run()
        } catch {
            try? runs.finish(id, status: .failed, exitStatus: 127)
            throw MLOpsError(.notFound, "cannot start '\(executable)'", cause: error)
        }
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal
        let exitStatus = Int(process.terminationStatus)

        var metrics: [String: Double] = [:]
        if let metricsFile = options.metricsFile {
            let path = WorkspacePath.absolute(metricsFile, relativeTo: workingDirectory)
            if FileManager.default.fileExists(atPath: path) {
                metrics = try Self.readMetrics(path)
                try runs.logMetrics(metrics, run: id)
            }
        }
        var artifacts: [String] = []
        for output in options.outputs {
            let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            try logArtifact(output, file: path, run: id)
            artifacts.append(output)
        }
        let status: RunStatus = killed ? .killed : (exitStatus == 0 ? .finished : .failed)
        let ended = Date()
        try runs.finish(id, status: status, exitStatus: exitStatus, at: ended)
        return ExternalRunOutcome(
            runId: id, status: status, exitStatus: exitStatus, metrics: metrics, artifacts: artifacts,
            durationSeconds: ended.timeIntervalSince(started))
    }

    /// `argument` as one shell word: itself when no shell treats it specially, else in single quotes.
    static func shellQuoted(_ argument: String) -> String {
        let plain =
            !argument.isEmpty
            && argument.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "_-.,:/+@%=".unicodeScalars.contains($0)
            }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Reads a flat YAML or JSON map of parameters; nested maps are flattened with dots (`model.depth`).
    static func readParams(_ path: String) throws -> [String: String] {
        let text = try TextFile.read(path, name: path)
        return try parseParams(text, path: path)
    }

    /// Flattens parameters text (YAML or JSON); `path` names it in errors.
    static func parseParams(_ text: String, path: String) throws -> [String: String] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw MLOpsError(.invalidInput, "'\(path)' is not valid YAML or JSON", cause: error)
        }
        var params: [String: String] = [:]
        func flatten(_ node: Node, prefix: String) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    let name = key.string ?? "\(key)"
                    flatten(value, prefix: prefix.isEmpty ? name : prefix + "." + name)
                }
            case .scalar(let scalar):
                params[prefix] = scalar.string
            case .sequence(let sequence):
                params[prefix] = sequence.map { $0.string ?? "" }.joined(separator: ",")
            default:
                break
            }
        }
        guard let node, case .mapping = node else {
            throw MLOpsError(.invalidInput, "'\(path)' must hold a map of parameters such as `lr: 0.01`")
        }
        flatten(node, prefix: "")
        return params
    }

    /// Reads a JSON object of numbers (nested objects are flattened with dots; other values are skipped).
    static func readMetrics(_ path: String) throws -> [String: Double] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MLOpsError(.notFound, "cannot read the metrics file '\(path)'", cause: error)
        }
        return try parseMetrics(data, path: path)
    }

    /// Flattens a JSON object of numbers; `path` names it in errors.
    static func parseMetrics(_ data: Data, path: String) throws -> [String: Double] {
        let value: MetricsValue
        do {
            value = try JSONDecoder().decode(MetricsValue.self, from: data)
        } catch {
            throw MLOpsError(
                .invalidInput, "the metrics file '\(path)' is not valid JSON",
                hint: "write an object of numbers, such as {\"rmse\": 3.1}", cause: error)
        }
        guard case .object = value else {
            throw MLOpsError(.invalidInput, "the metrics file '\(path)' must hold a JSON object of numbers")
        }
        if let repeated = DuplicateJSONMembers.first(in: Array(data)) {
            throw MLOpsError(.invalidInput, "the metrics file '\(path)' gives '\(repeated)' twice in one object")
        }
        var metrics: [String: Double] = [:]
        func flatten(_ value: MetricsValue, prefix: String) {
            switch value {
            case .number(let number) where number.isFinite: metrics[prefix] = number
            case .object(let map):
                for (key, nested) in map { flatten(nested, prefix: prefix.isEmpty ? key : prefix + "." + key) }
            default: break
            }
        }
        flatten(value, prefix: "")
        return metrics
    }
}

/// A metrics file's JSON: numbers, nested objects, and anything else (ignored).
private enum MetricsValue: Decodable {
    case number(Double)
    case object([String: MetricsValue])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if (try? container.decode(Bool.self)) != nil {
            self = .other
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let map = try? container.decode([String: MetricsValue].self) {
            self = .object(map)
        } else {
            self = .other
        }
    }
}
