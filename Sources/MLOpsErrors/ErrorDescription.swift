import Foundation

/// Words for errors that come from Swift and Foundation, so no message shows their internals
/// (`DecodingError.keyNotFound(…)`, `NSCocoaErrorDomain Code=259`).
public enum ErrorDescription {
    /// What `error` means, in a short phrase a user can act on.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as MLOpsError:
            return error.message
        case let error as DecodingError:
            return describe(error)
        case let error as EncodingError:
            if case .invalidValue(_, let context) = error {
                return "cannot encode \(location(context.codingPath)): \(context.debugDescription)"
            }
            return "cannot encode the value"
        case let error as CocoaError:
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
                underlying.domain == NSPOSIXErrorDomain
            {
                return String(cString: strerror(Int32(underlying.code)))
            }
            switch error.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadInapplicableStringEncoding: return "not a text file (not UTF-8)"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteFileExists: return "a file is already there"
            default: return "file operation failed (\(error.code.rawValue))"
            }
        case let error as POSIXError:
            return String(cString: strerror(error.code.rawValue))
        case let error as any CustomStringConvertible:
            // Library errors that describe themselves (a YAML parser's "3:7: did not find expected key"): the
            // first line, without the quoted input that follows it.
            let text = error.description
            return String(text.prefix { $0 != "\n" })
        default:
            let error = error as NSError
            if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
            return String(describing: error)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(location(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "field '\(location(context.codingPath))' should be \(noun(for: type))"
        case .valueNotFound(let type, let context):
            return "field '\(location(context.codingPath))' is empty; it should be \(noun(for: type))"
        case .dataCorrupted(let context):
            var reason = context.underlyingError.map { describe($0) } ?? context.debugDescription
            // Foundation's words for an enumeration value it does not know name the Swift type.
            if let range = reason.range(of: "from invalid String value ") {
                reason = "'\(reason[range.upperBound...])' is not one of the accepted values"
            } else if reason.hasPrefix("Cannot initialize") {
                reason = "the value is not one of the accepted values"
            } else if reason == "The given data was not valid JSON." {
                reason = "not valid JSON (or a number out of range)"
            }
            return context.codingPath.isEmpty ? reason : "field '\(location(context.codingPath))': \(reason)"
        @unknown default:
            return "the data is malformed"
        }
    }

    private static func location(_ path: [any CodingKey]) -> String {
        path.isEmpty
            ? "(top level)"
            : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
    }

    private static func noun(for type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            switch "\(type)" {
            case let name where name.hasPrefix("Array") || name.hasSuffix("Sequence"): "a list"
            case let name where name.hasPrefix("Dictionary") || name.hasSuffix("Mapping"): "a mapping"
            case let name where name.hasSuffix("Scalar"): "a single value"
            case let name: "a \(name)"
            }
        }
    }
}
