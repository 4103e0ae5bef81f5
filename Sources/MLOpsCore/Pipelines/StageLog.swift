import Foundation
import MLOpsErrors

/// The end of what a pipeline stage's commands wrote: the last bytes of its log.
public struct StageLogTail: Codable, Sendable, Equatable {
    public var text: String
    /// Whether the log is longer than `text`: earlier output was left out.
    public var truncated: Bool
}

extension Repository {
    /// Where the stage run `runID` (a full id) writes its commands' standard output and error.
    func stageLogPath(runID: String) -> String { metadataDirectory + "/logs/\(runID).log" }

    /// Where what the failed stage run `runID` wrote at its outputs is kept, beside its log.
    func failedOutputsPath(runID: String) -> String { metadataDirectory + "/logs/\(runID).outputs" }

    /// The last `limit` bytes of the log stage run `runID` (a full id) wrote, cut at a line start, or nil when
    /// it wrote none (not a stage run, or the log was removed). Invalid UTF-8 is shown with replacement characters.
    public func stageLog(runID: String, limit: Int = 65_536) throws -> StageLogTail? {
        guard RunID.isPlausiblePrefix(runID), let handle = FileHandle(forReadingAtPath: stageLogPath(runID: runID))
        else { return nil }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            let start = size > UInt64(limit) ? size - UInt64(limit) : 0
            try handle.seek(toOffset: start)
            var bytes = try handle.readToEnd() ?? Data()
            if start > 0, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                bytes = bytes[bytes.index(after: newline)...]
            }
            return StageLogTail(text: String(decoding: bytes, as: UTF8.self), truncated: start > 0)
        } catch {
            throw MLOpsError(.failure, "cannot read the log of run \(runID)", cause: error)
        }
    }
}
