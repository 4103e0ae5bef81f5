/// Lexical path arithmetic for workspace paths: absolute paths without `.`/`..` or doubled slashes, and paths
/// relative to the repository root (`data/train.csv`), which are what pointer files and the stat cache store.
public enum WorkspacePath {
    /// `path` made absolute against `base` (when relative) and normalized lexically.
    public static func absolute(_ path: String, relativeTo base: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Removes `.`, resolves `..` and doubled or trailing slashes; keeps a leading `/`.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    /// `path` (relative) normalized, or nil when it is absolute or climbs out of the directory it is relative to
    /// (`../x`, `a/../../x`): the paths a file in the repository may name without reaching outside it.
    public static func contained(_ path: String) -> String? {
        guard !path.hasPrefix("/") else { return nil }
        var depth = 0
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": depth -= 1
            default: depth += 1
            }
            if depth < 0 { return nil }
        }
        return normalize(path)
    }

    /// Whether `a` and `b` (normalized, relative) name the same path or one lies inside the other.
    public static func overlap(_ a: String, _ b: String) -> Bool {
        a == b || a.isEmpty || b.isEmpty || a.hasPrefix(b + "/") || b.hasPrefix(a + "/")
    }

    /// `path` (absolute, normalized) relative to `root`, or nil when it lies outside `root`. The root itself is "".
    public static func relative(_ path: String, to root: String) -> String? {
        if path == root { return "" }
        let prefix = root == "/" ? "/" : root + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    /// The parent of a relative or absolute path ("" for a top-level relative path).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    public static func name(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `parent` and `child` joined with one slash; an empty side yields the other.
    public static func join(_ parent: String, _ child: String) -> String {
        if parent.isEmpty { return child }
        if child.isEmpty { return parent }
        return parent.hasSuffix("/") ? parent + child : parent + "/" + child
    }
}
