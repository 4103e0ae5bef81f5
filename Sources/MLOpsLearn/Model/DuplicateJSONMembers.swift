import Foundation

/// Finds a member name given twice in one object of a JSON document. `JSONDecoder` keeps the first and other
/// readers the last, so a `model.json` or bundle manifest with a repeated member would mean different things to
/// different tools; documents mlops loads must not have them.
public enum DuplicateJSONMembers {
    /// The first repeated member name, or nil. `bytes` must be valid JSON (decode it first).
    public static func first(in bytes: [UInt8]) -> String? {
        // Per open object, the names seen and whether the next string is a name; nil for an open array.
        var frames: [(names: Set<String>, expectingName: Bool)?] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): frames.append((Set(), true))
            case UInt8(ascii: "["): frames.append(nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = frames.popLast()
            case UInt8(ascii: ","): if frames.last??.names != nil { frames[frames.count - 1]?.expectingName = true }
            case UInt8(ascii: ":"): if frames.last??.names != nil { frames[frames.count - 1]?.expectingName = false }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if let frame = frames.last, let frame, frame.expectingName {
                    let name = Self.name(bytes[start...min(index, bytes.count - 1)])
                    guard frames[frames.count - 1]?.names.insert(name).inserted == true else { return name }
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// A quoted member name as text, its escapes decoded (so `"a"` and `"\u0061"` are the same name).
    private static func name(_ quoted: ArraySlice<UInt8>) -> String {
        let raw = String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
        guard quoted.contains(UInt8(ascii: "\\")),
            let decoded = try? JSONSerialization.jsonObject(with: Data(quoted), options: [.fragmentsAllowed]) as? String
        else { return raw }
        return decoded
    }
}
