import Foundation
import MLOpsErrors
import MLOpsLearn

/// A seeded mutation fuzzer for parsers and loaders: it turns valid sample inputs into malformed ones (bytes
/// flipped, inserted, deleted, duplicated or spliced with tokens that parsers find hard; JSON restructured) and
/// hands each to the code under test, which must return or throw a documented error, never trap.
///
/// Every run is replayable: the seed comes from `MLOPS_FUZZ_SEED` (else a fixed one per fuzzer name), and the
/// budget (10,000 cases unless the test says otherwise) is multiplied by `MLOPS_FUZZ_SCALE` (`scripts/fuzz`
/// runs 20 times as many). Before each case the input is written to
/// ``lastInputPath``, so when a case crashes the process, that file holds the input that did it.
public struct Fuzzer {
    /// What the fuzzer is exercising, for messages and file names.
    public let name: String
    /// The seed of this run.
    public let seed: UInt64
    /// How many cases to run.
    public let cases: Int
    /// Where the input of the case being run is kept until the next one.
    public let lastInputPath: String
    private var generator: SeededGenerator

    /// Inputs the code accepted, and those it refused with an error it documents.
    public private(set) var accepted = 0
    public private(set) var refused = 0
    /// Cases that failed in a way they must not (an undocumented error type), with the input.
    public private(set) var failures: [(input: [UInt8], problem: String)] = []

    public init(_ name: String, cases defaultCases: Int = 10_000) {
        self.name = name
        let environment = ProcessInfo.processInfo.environment
        seed = environment["MLOPS_FUZZ_SEED"].flatMap { UInt64($0) } ?? Self.stableHash(name)
        cases = defaultCases * max(1, environment["MLOPS_FUZZ_SCALE"].flatMap { Int($0) } ?? 1)
        lastInputPath = NSTemporaryDirectory() + "mlops-fuzz-\(name).last"
        generator = SeededGenerator(seed: seed)
    }

    /// Feeds `cases` mutations of `samples` to `body`. `body` returns normally when the input was accepted and
    /// throws when it was refused; `isDocumented` says whether a thrown error is one the code may throw
    /// (by default, an `MLOpsError`, whose code maps to a documented exit status).
    public mutating func run(
        samples: [[UInt8]], tokens: [String] = [], structured: Bool = false,
        isDocumented: (any Error) -> Bool = { $0 is MLOpsError }, _ body: ([UInt8]) throws -> Void
    ) {
        FileHandle.standardError.write(
            Data("fuzz \(name): seed \(seed), \(cases) cases; a crash leaves its input in \(lastInputPath)\n".utf8))
        let descriptor = open(lastInputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { if descriptor >= 0 { close(descriptor) } }
        let tokenBytes = (tokens + Self.hardTokens).map { Array($0.utf8) }
        for _ in 0..<cases {
            let sample = samples[generator.nextIndex(below: samples.count)]
            var input = sample
            if structured && generator.nextIndex(below: 2) == 0 {
                // Structural mutations keep the document well-formed, so they reach past the JSON parser.
                for _ in 0...generator.nextIndex(below: 3) {
                    input = mutateJSON(input, donor: samples[generator.nextIndex(below: samples.count)])
                }
            } else {
                for _ in 0...generator.nextIndex(below: 4) { input = mutate(input, tokens: tokenBytes) }
            }
            if descriptor >= 0 {
                ftruncate(descriptor, 0)
                _ = input.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            }
            do {
                try body(input)
                accepted += 1
            } catch  where isDocumented(error) {
                refused += 1
            } catch {
                failures.append((input, "\(type(of: error)): \(error)"))
            }
        }
    }

    /// A summary for test messages.
    public var summary: String {
        "fuzz \(name) (seed \(seed)): \(accepted) accepted, \(refused) refused, \(failures.count) failed"
            + (failures.first.map {
                "; first: \($0.problem) on \(String(decoding: $0.input.prefix(300), as: UTF8.self).debugDescription)"
            } ?? "")
    }

    /// Texts that trip parsers: extreme and non-finite numbers, escapes, separators, path tricks, markup of
    /// YAML and JSON, invalid UTF-8 is added by the byte mutations.
    static let hardTokens = [
        "\"", "'", ",", "\n", "\r\n", ":", "-", "[", "]", "{", "}", "\\", "\\u0000", "\\ud800", "&a", "*a", "!!binary",
        "..", "../", "/", "~", "null", "true", "NaN", "inf", "-inf", "1e999", "-1e999", "1e308", "-0", "0x10",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "2147483648", "-1", "0", "1.5",
        "\u{FEFF}", "é", "\u{0}", "%", "${", "$(", "`", ";", "|", "#",
    ]

    private mutating func mutate(_ input: [UInt8], tokens: [[UInt8]]) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : generator.nextIndex(below: bytes.count + 1)
        switch generator.nextIndex(below: 8) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let index = min(position, bytes.count - 1)
            bytes[index] ^= UInt8(1) << UInt8(generator.nextIndex(below: 8))
        case 1:  // insert a random byte (often invalid UTF-8)
            bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
        case 2 where !bytes.isEmpty:  // delete a range
            let end = min(bytes.count, position + 1 + generator.nextIndex(below: 16))
            bytes.removeSubrange(min(position, bytes.count - 1)..<end)
        case 3 where !bytes.isEmpty:  // duplicate a range
            let start = generator.nextIndex(below: bytes.count)
            let end = min(bytes.count, start + 1 + generator.nextIndex(below: 64))
            bytes.insert(contentsOf: bytes[start..<end], at: position)
        case 4, 5:  // insert a hard token
            bytes.insert(contentsOf: tokens[generator.nextIndex(below: tokens.count)], at: position)
        case 6 where !bytes.isEmpty:  // replace a run of digits or letters with a hard token
            var end = min(position, bytes.count - 1)
            let start = end
            while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
            bytes.replaceSubrange(start..<max(end, start + 1), with: tokens[generator.nextIndex(below: tokens.count)])
        default:  // truncate
            bytes.removeSubrange(position...)
        }
        return bytes
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x2E
    }

    /// A structural mutation of a JSON document: a value replaced by an extreme one or another type, an array
    /// element duplicated or dropped, a key removed, or a key and value grafted from `donor` (another sample)
    /// into an object. Inputs that are not JSON come back unchanged.
    private mutating func mutateJSON(_ input: [UInt8], donor: [UInt8]) -> [UInt8] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed]) else {
            return input
        }
        var paths: [[Any]] = []
        Self.collectPaths(document, prefix: [], into: &paths)
        guard !paths.isEmpty else { return input }
        let path = paths[generator.nextIndex(below: paths.count)]
        grafted = nil
        if generator.nextIndex(below: 3) == 0,
            let donorDocument = try? JSONSerialization.jsonObject(with: Data(donor), options: [.fragmentsAllowed])
        {
            var donorPaths: [[Any]] = []
            Self.collectPaths(donorDocument, prefix: [], into: &donorPaths)
            let members = donorPaths.compactMap { path -> (String, Any)? in
                guard let key = path.last as? String, let value = Self.value(at: path[...], in: donorDocument) else {
                    return nil
                }
                return (key, value)
            }
            if !members.isEmpty { grafted = members[generator.nextIndex(below: members.count)] }
        }
        let mutated = transform(document, along: path[...])
        return (try? JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed])).map(Array.init)
            ?? input
    }

    private static func collectPaths(_ value: Any, prefix: [Any], into paths: inout [[Any]]) {
        paths.append(prefix)
        guard paths.count < 5_000 else { return }
        if let array = value as? [Any] {
            for (index, element) in array.enumerated() { collectPaths(element, prefix: prefix + [index], into: &paths) }
        } else if let object = value as? [String: Any] {
            for key in object.keys.sorted() { collectPaths(object[key] as Any, prefix: prefix + [key], into: &paths) }
        }
    }

    private static func value(at path: ArraySlice<Any>, in document: Any) -> Any? {
        guard let step = path.first else { return document }
        if let array = document as? [Any], let index = step as? Int, array.indices.contains(index) {
            return value(at: path.dropFirst(), in: array[index])
        }
        if let object = document as? [String: Any], let key = step as? String, let child = object[key] {
            return value(at: path.dropFirst(), in: child)
        }
        return nil
    }

    /// A member of another sample to add to the object the mutation reaches, when this mutation grafts.
    private var grafted: (key: String, value: Any)?

    private mutating func transform(_ value: Any, along path: ArraySlice<Any>) -> Any {
        if path.isEmpty, var object = value as? [String: Any], let (key, member) = grafted {
            object[key] = member
            return object
        }
        guard let step = path.first else { return replacement(for: value) }
        if var array = value as? [Any], let index = step as? Int, array.indices.contains(index) {
            if path.count == 1, generator.nextIndex(below: 4) == 0 {
                if generator.nextIndex(below: 2) == 0 {
                    array.remove(at: index)
                } else {
                    array.insert(array[index], at: index)
                }
                return array
            }
            array[index] = transform(array[index], along: path.dropFirst())
            return array
        }
        if var object = value as? [String: Any], let key = step as? String, let child = object[key] {
            if path.count == 1, generator.nextIndex(below: 5) == 0 {
                object[key] = nil
                return object
            }
            object[key] = transform(child, along: path.dropFirst())
            return object
        }
        return value
    }

    private mutating func replacement(for value: Any) -> Any {
        let extremes: [Any] = [
            Int.min, Int.max, -1, 0, 1, 2, 255, 256, 65_536, Int(Int32.max) + 1, 1e300, -1e300, 1e-320, 0.5,
            "", "x", "a\u{0}b", [Any](), [String: Any](), NSNull(), true, false,
        ]
        if let array = value as? [Any], !array.isEmpty, generator.nextIndex(below: 3) == 0 {
            return array + array  // twice as many elements as the rest of the document expects
        }
        return extremes[generator.nextIndex(below: extremes.count)]
    }

    /// FNV-1a of the name: a fixed seed per fuzzer, different between fuzzers.
    private static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
