#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The order of paths in manifests and listings: by their UTF-8 bytes, as `memcmp` and git compare them (Swift's
/// `<` on strings compares Unicode scalars after normalization, which is slower and differs for some text).
public enum BytewiseOrder {
    /// Whether `lhs` sorts before `rhs` bytewise.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool { compare(lhs, rhs) < 0 }

    /// -1, 0 or 1 as `lhs` sorts before, equal to or after `rhs` bytewise.
    public static func compare(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs
        var rhs = rhs
        // Native strings are contiguous UTF-8 already: `withUTF8` then copies nothing.
        return lhs.withUTF8 { left in rhs.withUTF8 { right in compare(left, right) } }
    }

    /// The first eight UTF-8 bytes of `string` as a big-endian integer, zero-padded: when two prefixes differ, they
    /// are in the strings' bytewise order (a string's end sorts before any byte, as a zero does; UTF-8 text
    /// holds no zero bytes in paths).
    public static func prefix(of string: String) -> UInt64 {
        var prefix: UInt64 = 0
        var shift: UInt64 = 56
        for byte in string.utf8.prefix(8) {
            prefix |= UInt64(byte) << shift
            shift &-= 8
        }
        return prefix
    }

    /// -1, 0 or 1 as `lhs` sorts before, equal to or after `rhs`.
    public static func compare(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(lhs.count, rhs.count)
        if common > 0, let a = lhs.baseAddress, let b = rhs.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return order < 0 ? -1 : 1 }
        }
        return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
    }
}
