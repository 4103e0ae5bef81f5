/// The name–value pairs of a URL query or an `application/x-www-form-urlencoded` body, as browsers send forms:
/// pairs split on `&`, `+` for a space, `%XX` escapes. Names may repeat (`run=a&run=b`).
struct QueryString: Sendable, Equatable {
    /// Each pair in order, decoded.
    var pairs: [(name: String, value: String)]

    /// Decodes `text` (the part after `?`, or a form body). Never fails: a malformed escape is kept as written and
    /// invalid UTF-8 becomes replacement characters, so a hostile query yields odd values, which the pages
    /// then refuse by name.
    init(_ text: Substring) {
        pairs = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    static func == (a: QueryString, b: QueryString) -> Bool {
        a.pairs.count == b.pairs.count
            && zip(a.pairs, b.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of `name`, if any.
    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The pairs encoded again without those named in `removing`, then `adding`: links that keep the current
    /// query but sort or page differently.
    func encoded(removing names: Set<String> = [], adding extra: [(name: String, value: String)] = []) -> String {
        (pairs.filter { !names.contains($0.name) } + extra)
            .map { HTML.urlComponent($0.name) + "=" + HTML.urlComponent($0.value) }.joined(separator: "&")
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if iterator.count >= 2, let high = hexValue(iterator[iterator.startIndex]),
                    let low = hexValue(iterator[iterator.startIndex + 1])
                {
                    bytes.append(high << 4 | low)
                    iterator = iterator.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
