import Foundation

/// What `mlops … --json` prints, as tests read it. Field names map one to one onto the JSON's stable keys and
/// required fields are not optional, so a renamed or missing key fails the decoding (and the test) instead of
/// reading as a default that may pass. Dictionaries keep the names a user gave (metric and parameter names).
public enum Payload {
    /// `runs show`, one entry of `runs list`.
    public struct Run: Decodable, Sendable {
        public struct Git: Decodable, Sendable {
            public var commit: String?
            public var dirty: Bool
        }
        public struct Artifact: Decodable, Sendable {
            public var name: String
            public var oid: String
        }
        public struct Point: Decodable, Sendable {
            public var step: Int
            public var value: Double
        }
        public var id: String
        public var name: String
        public var kind: String
        public var status: String
        public var parent: String?
        public var git: Git
        public var params: [String: String]
        public var metrics: [String: Double]
        public var tags: [String: String]
        public var history: [String: [Point]]?
        public var artifacts: [Artifact]
        public var exitStatus: Int?

        enum CodingKeys: String, CodingKey {
            case id, name, kind, status, parent, git, params, metrics, tags, history, artifacts
            case exitStatus = "exit_status"
        }
    }

    /// One entry of `model history`.
    public struct RegistryEvent: Decodable, Sendable {
        public var sequence: Int
        public var name: String
        public var event: String
        public var alias: String?
        public var fromVersion: Int?
        public var toVersion: Int?
        public var reason: String?
        public var actor: String

        enum CodingKeys: String, CodingKey {
            case sequence, name, event, alias, reason, actor
            case fromVersion = "from_version"
            case toVersion = "to_version"
        }
    }

    /// `fsck --json`.
    public struct IntegrityReport: Decodable, Sendable {
        public struct Missing: Decodable, Sendable {
            public var oid: String
            public var referencedBy: String

            enum CodingKeys: String, CodingKey {
                case oid
                case referencedBy = "referenced_by"
            }
        }
        public struct InvalidPointer: Decodable, Sendable {
            public var path: String
            public var error: String
        }
        public var checkedObjects: Int
        public var corrupt: [String]
        public var missing: [Missing]
        public var invalidPointers: [InvalidPointer]

        enum CodingKeys: String, CodingKey {
            case corrupt, missing
            case checkedObjects = "checked_objects"
            case invalidPointers = "invalid_pointers"
        }
    }

    /// `status --remote --json`.
    public struct RemoteStatus: Decodable, Sendable {
        public struct Target: Decodable, Sendable {
            public var path: String
            public var notPushed: Int
            public var notFetched: Int
            public var lost: Int

            enum CodingKeys: String, CodingKey {
                case path, lost
                case notPushed = "not_pushed"
                case notFetched = "not_fetched"
            }
        }
        public var remote: String
        public var targets: [Target]
    }

    /// One entry of `repro --json`.
    public struct StageOutcome: Decodable, Sendable {
        public var stage: String
        public var action: String
        public var reason: String?
    }
}

extension CLIResult {
    /// Standard output decoded as `type`; throws naming the key that is missing or of the wrong type.
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(standardOutput.utf8))
    }
}
