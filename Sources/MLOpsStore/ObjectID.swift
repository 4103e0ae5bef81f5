#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Crypto
import MLOpsErrors

/// The id of a stored object: the SHA-256 of its bytes, written `sha256:<64 lowercase hex digits>`.
///
/// The algorithm is part of the id (and of the object's path) so another hash can be added later without
/// ambiguity.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The only algorithm this build writes.
    public static let algorithm = "sha256"

    /// The 64 lowercase hexadecimal digits of the digest.
    public let hex: String

    /// Parses `sha256:<64 hex>`; anything else is `.invalidInput`.
    public init(parsing text: String) throws {
        let prefix = Self.algorithm + ":"
        guard text.hasPrefix(prefix) else {
            throw MLOpsError(.invalidInput, "invalid object id '\(text)': expected 'sha256:' followed by 64 hex digits")
        }
        let hex = text.dropFirst(prefix.count)
        guard hex.utf8.count == 64, hex.utf8.allSatisfy(Self.isLowerHex) else {
            throw MLOpsError(.invalidInput, "invalid object id '\(text)': expected 'sha256:' followed by 64 hex digits")
        }
        self.hex = String(hex)
    }

    /// Parses `sha256:<64 hex>` from UTF-8 bytes (a database column, say) without making a string first; nil
    /// for anything else.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let prefix: StaticString = "sha256:"
        guard bytes.count == prefix.utf8CodeUnitCount + 64, let base = bytes.baseAddress,
            memcmp(base, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
        else { return nil }
        let digits = UnsafeBufferPointer(rebasing: bytes[prefix.utf8CodeUnitCount...])
        guard digits.allSatisfy(Self.isLowerHex) else { return nil }
        hex = String(decoding: digits, as: UTF8.self)
    }

    /// The id of bytes whose SHA-256 digest is `digest`.
    public init(digest: SHA256.Digest) {
        var hex = ""
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0f)])
        }
        self.hex = hex
    }

    /// The id of `bytes`.
    public init(hashing bytes: [UInt8]) {
        self.init(digest: SHA256.hash(data: bytes))
    }

    public var description: String { Self.algorithm + ":" + hex }

    /// The object's path relative to the objects directory: `sha256/ab/cdef…`, sharded by two hex digits.
    public var relativePath: String {
        Self.algorithm + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    /// The first `length` hex digits, for display.
    public func abbreviated(_ length: Int = 12) -> String { String(hex.prefix(length)) }

    /// An object id as records keep it (`sha256:<hex>`), shown with its first `length` hex digits after the
    /// algorithm; any other text as it is.
    public static func abbreviated(_ text: String, _ length: Int = 12) -> String {
        let prefix = algorithm + ":"
        return text.hasPrefix(prefix) ? String(text.prefix(prefix.count + length)) : text
    }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(parsing: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static let hexDigits = Array("0123456789abcdef")

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}
