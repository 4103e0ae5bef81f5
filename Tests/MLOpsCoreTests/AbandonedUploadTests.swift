import Foundation
import MLOpsStore
import MLOpsTestSupport
import Testing

@testable import MLOpsCore

/// What an upload killed with `-9` leaves on a remote (a staging file in a shared directory, an unfinished S3
/// multipart upload, which S3 bills for) is removed by the next `push` once it is older than the given age, and
/// nothing younger is touched (another machine may still be writing it).
@Suite(.serialized) struct AbandonedUploadTests {
    private func repository(remote arguments: [String]) async throws -> (TemporaryDirectory, Repository) {
        let directory = try TemporaryDirectory()
        _ = await CLIRunner.run(["init", "-q"], in: directory.path)
        try Fixtures.write("a,b\n1,2\n", to: directory.url("data.csv"))
        #expect(await CLIRunner.run(["add", "-q", "data.csv"], in: directory.path).exitCode == 0)
        let added = await CLIRunner.run(["remote", "add", "storage", "--force"] + arguments, in: directory.path)
        #expect(added.exitCode == 0, "\(added.standardError)")
        return (directory, try Repository(root: directory.path))
    }

    @Test func aDirectoryRemoteLosesOnlyOldStagingFiles() async throws {
        let share = try TemporaryDirectory()
        let (directory, repository) = try await repository(remote: [share.path])
        try FileManager.default.createDirectory(atPath: share.url("sha256/ab"), withIntermediateDirectories: true)
        let old = share.url("sha256/ab/.cdef.mlops-12-a1-1.tmp")
        let fresh = share.url("sha256/ab/.cdef.mlops-12-a1-2.tmp")
        for file in [old, fresh] { try Fixtures.write("partial", to: file) }
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: old)
        let report = try await repository.push(TransferOptions(paths: nil, workingDirectory: directory.path))
        #expect(report.abandonedUploads == 1)
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: fresh))
    }

    @Test func unfinishedMultipartUploadsAreAborted() async throws {
        try #require(S3TestServer.isAvailable, "run scripts/bootstrap to install moto")
        let server = try S3TestServer()
        let prefix = UUID().uuidString.lowercased()
        let (directory, repository) = try await repository(remote: [
            "s3://\(server.bucket)/\(prefix)", "--endpoint-url", server.endpoint, "--access-key-id", server.accessKeyID,
            "--secret-access-key", server.secretAccessKey,
        ])
        let started = try server.aws([
            "s3api", "create-multipart-upload", "--bucket", server.bucket, "--key",
            "\(prefix)/sha256/ab/\(String(repeating: "c", count: 62))",
        ])
        #expect(started.exitCode == 0, "\(started.standardError)")
        func unfinished() throws -> String {
            try server.aws(["s3api", "list-multipart-uploads", "--bucket", server.bucket, "--prefix", prefix])
                .standardOutput
        }
        #expect(try unfinished().contains("UploadId"))

        // moto reports every upload as initiated in 2010, so the age rule is checked on the directory remote
        // above; here, that an old upload is found through the listing and aborted.
        #expect(try unfinished().contains("<Initiated>2010-") || unfinished().contains("\"Initiated\": \"2010-"))
        let report = try await repository.push(TransferOptions(paths: nil, workingDirectory: directory.path))
        #expect(report.abandonedUploads == 1)
        #expect(try !unfinished().contains("UploadId"))
    }
}
