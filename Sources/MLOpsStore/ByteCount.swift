/// Sizes as pointer files and manifests declare them. They come from files anyone can edit, so they are
/// bounded when read and added without overflow.
public enum ByteCount {
    /// The largest size a pointer file or manifest entry may declare: 1 PiB.
    public static let maximum: Int64 = 1 << 50

    /// Whether `size` is a size a real file can have.
    public static func isPlausible(_ size: Int64) -> Bool { (0...maximum).contains(size) }

    /// The sum of `sizes`, saturating at `Int64.max` instead of trapping.
    public static func total<Sizes: Sequence>(_ sizes: Sizes) -> Int64 where Sizes.Element == Int64 {
        sizes.reduce(0, sum)
    }

    /// `a + b`, saturating at `Int64.max` instead of trapping.
    public static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
