import Foundation
import MLOpsErrors
import MLOpsStore

/// An artifact recorded into a run.
public struct RecordedArtifact: Codable, Sendable {
    /// The run's full id.
    public var run: String
    public var name: String
    public var oid: ObjectID
}

extension Repository {
    /// Stores `bytes` in the object store and records them as the running run's artifact `name`. Holds the
    /// repository lock between storing and recording, so `gc` cannot remove the object before the record
    /// protects it.
    @discardableResult
    public func logArtifact(_ name: String, bytes: [UInt8], run reference: String) throws -> RecordedArtifact {
        try storingArtifact(name, run: reference) { try store.store(bytes) }
    }

    /// Copies the file at `path` into the object store and records it as the running run's artifact `name`.
    @discardableResult
    public func logArtifact(_ name: String, file path: String, run reference: String) throws -> RecordedArtifact {
        try storingArtifact(name, run: reference) { try store.ingestFile(at: path).id }
    }

    private func storingArtifact(
        _ name: String, run reference: String, _ storing: () throws -> ObjectID
    ) throws -> RecordedArtifact {
        // Refused before the bytes are stored: an ended run takes no artifact.
        let id = try runs.runningID(reference)
        let lock = try lock(for: "recording an artifact")
        defer { withExtendedLifetime(lock) {} }
        let oid = try storing()
        try store.synchronize()
        try runs.recordArtifact(name, oid: oid, run: id)
        return RecordedArtifact(run: id, name: name, oid: oid)
    }
}
