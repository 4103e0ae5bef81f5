import Foundation

/// The S3 API server of the remote tests (`Tests/MLOpsCLITests/Fixtures/s3_server.py`): moto behind a proxy that
/// counts requests and injects faults. Needs `.build/venv` (scripts/bootstrap).
public final class S3TestServer: @unchecked Sendable {
    public let endpoint: String
    public let bucket: String
    public let accessKeyID: String
    public let secretAccessKey: String
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var buffered = Data()

    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: Fixtures.python) }

    public init() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.python)
        process.arguments = [Fixtures.projectRoot + "/Tests/MLOpsCLITests/Fixtures/s3_server.py"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        try process.run()
        let first = try Self.readLine(output, buffer: &buffered)
        let settings = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: String] ?? [:]
        endpoint = settings["endpoint"] ?? ""
        bucket = settings["bucket"] ?? ""
        accessKeyID = settings["access_key_id"] ?? ""
        secretAccessKey = settings["secret_access_key"] ?? ""
    }

    deinit {
        try? input.close()
        process.terminate()
        process.waitUntilExit()
    }

    /// Sends one control command (`fail 5`, `down`, `up`, `count`, `reset`) and returns the request counts.
    @discardableResult
    public func command(_ line: String) throws -> (requests: Int, byMethod: [String: Int]) {
        input.write(Data((line + "\n").utf8))
        let reply = try Self.readLine(output, buffer: &buffered)
        guard let answer = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
            let requests = answer["requests"] as? Int, let byMethod = answer["by_method"] as? [String: Int]
        else {
            throw NSError(
                domain: "S3TestServer", code: 1,
                userInfo: [NSLocalizedDescriptionKey: "the answer to '\(line)' is not request counts: \(reply)"])
        }
        return (requests, byMethod)
    }

    /// Runs the AWS CLI against the server with the test credentials.
    public func aws(_ arguments: [String]) throws -> CLIResult {
        try CLIRunner.execute(
            program: Fixtures.projectRoot + "/.build/venv/bin/aws",
            ["--endpoint-url", endpoint, "--region", "us-east-1"] + arguments,
            in: Fixtures.projectRoot,
            environment: [
                "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
                "AWS_EC2_METADATA_DISABLED": "true",
            ])
    }

    private static func readLine(_ handle: FileHandle, buffer: inout Data) throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return line
            }
            let chunk = handle.availableData
            guard !chunk.isEmpty else {
                throw NSError(
                    domain: "S3TestServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "the S3 test server exited"])
            }
            buffer.append(chunk)
        }
    }
}
