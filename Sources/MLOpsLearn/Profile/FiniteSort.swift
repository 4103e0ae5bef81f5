/// Sorts the finite values of a column: a least-significant-digit radix sort on the bits of the doubles (four
/// passes of 16 bits, skipping a pass whose digit every value shares), which sorts a million values several times
/// faster than the standard library's comparison sort; profiling and drift sort every numeric column.
public enum FiniteSort {
    /// The finite values of `values`, ascending; NaN and infinities are left out, and -0.0 becomes 0.0.
    public static func ascending(_ values: [Double]) -> [Double] {
        var keys: [UInt64] = []
        keys.reserveCapacity(values.count)
        for value in values where value.isFinite { keys.append(key(value + 0.0)) }
        if keys.count < 2_048 {
            keys.sort()
        } else {
            radixSort(&keys)
        }
        return keys.map(value)
    }

    private static let sign: UInt64 = 1 << 63

    /// An unsigned key in the same order as the double: negative numbers reversed below the positive ones.
    private static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & sign != 0 ? ~bits : bits | sign
    }

    private static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & sign != 0 ? key & ~sign : ~key)
    }

    private static func radixSort(_ keys: inout [UInt64]) {
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            for index in counts.indices { counts[index] = 0 }
            for key in keys { counts[Int((key >> shift) & 0xFFFF)] += 1 }
            // Every key has the same digit here: this pass would move nothing.
            if counts[Int((keys[0] >> shift) & 0xFFFF)] == keys.count { continue }
            var offset = 0
            for index in counts.indices {
                let count = counts[index]
                counts[index] = offset
                offset += count
            }
            for key in keys {
                let digit = Int((key >> shift) & 0xFFFF)
                scratch[counts[digit]] = key
                counts[digit] += 1
            }
            swap(&keys, &scratch)
        }
    }
}
