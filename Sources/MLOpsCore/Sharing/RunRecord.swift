import Foundation

/// An ended run as it travels to other clones: the document `metadata/runs/<id>.json` on the remote, checked
/// against the SHA-256 the record log entry that publishes it holds. It holds what the run's rows hold, times in nanoseconds,
/// so the importing clone stores exactly what the recording clone stored.
public struct RunRecord: Codable, Sendable, Equatable {
    static let currentFormat = 1
    /// The remote folder of run records.
    static let folder = "metadata/runs"

    /// Every recorded value of one metric, in step order.
    public struct Series: Codable, Sendable, Equatable {
        public var steps: [Int]
        public var values: [Double]
        public var timestampsNs: [Int64]
    }

    public var format = currentFormat
    public var id: String
    public var name: String
    public var kind: String
    public var status: String
    public var startedNs: Int64
    public var endedNs: Int64?
    public var gitCommit: String?
    public var gitDirty: Bool
    public var toolVersion: String
    public var host: String
    public var parentId: String?
    public var command: String?
    public var exitStatus: Int?
    public var params: [String: String]
    public var tags: [String: String]
    public var metrics: [String: Series]
    public var inputs: [Run.Input]
    public var artifacts: [Run.Artifact]
}
