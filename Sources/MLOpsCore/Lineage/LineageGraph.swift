import MLOpsStore

/// A lineage as a directed graph (what made what), written as Mermaid (`flowchart`) or Graphviz DOT text.
/// Every label is escaped for its language, so a path holding quotes, brackets or newlines stays one label.
public struct LineageGraph: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        /// `version`, `run`, `data`, `stage` or `commit`.
        public var kind: String
        /// Lines of the label.
        public var label: [String]
    }

    public struct Edge: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var label: String
    }

    public private(set) var nodes: [Node] = []
    public private(set) var edges: [Edge] = []

    /// The graph of a model's lineage: commit → run → version, data → run, and for pipeline outputs
    /// deps → stage → data, recursively.
    public init(_ lineage: ModelLineage) {
        var dataNodes: [String: Int] = [:]
        var stageNodes: [String: Int] = [:]
        func dataNode(_ data: ModelLineage.Data) -> Int {
            let key = data.path + "\u{0}" + data.oid
            if let index = dataNodes[key] { return index }
            let index = add("data", [data.path, ObjectID.abbreviated(data.oid)])
            dataNodes[key] = index
            if let producer = data.producedBy, let stage = lineage.stages.first(where: { $0.runId == producer }) {
                edges.append(Edge(from: stageNode(stage), to: index, label: "wrote"))
            }
            return index
        }
        func stageNode(_ stage: ModelLineage.StageRun) -> Int {
            if let index = stageNodes[stage.runId] { return index }
            let index = add("stage", ["stage " + stage.stage, "run " + stage.runId.prefix(RunID.displayLength)])
            stageNodes[stage.runId] = index
            for dep in stage.deps { edges.append(Edge(from: dataNode(dep), to: index, label: "read")) }
            return index
        }
        let run = add(
            "run",
            [
                lineage.run.map { "\($0.kind.rawValue) \($0.name)" } ?? "run",
                "run " + (lineage.runId?.prefix(RunID.displayLength) ?? "?"),
            ])
        if let version = lineage.version {
            let aliases = version.aliases.isEmpty ? [] : [version.aliases.sorted().joined(separator: ", ")]
            edges.append(Edge(from: run, to: add("version", [version.reference] + aliases), label: "produced"))
        }
        if let git = lineage.git, let commit = git.commit {
            let state = [git.branch, git.dirty ? "dirty" : "clean"].compactMap { $0 }.joined(separator: ", ")
            edges.append(Edge(from: add("commit", ["commit " + commit.prefix(12), state]), to: run, label: "at"))
        }
        for data in lineage.data { edges.append(Edge(from: dataNode(data), to: run, label: "read")) }
    }

    /// The graph of who read a path: the data → each run that read it (through the stage run whose output it
    /// read, when it did) → the versions each produced.
    public init(_ lineage: DataLineage) {
        let data = add("data", [lineage.path] + (lineage.oid.map { [ObjectID.abbreviated($0)] } ?? []))
        var runNodes: [String: Int] = [:]
        for use in lineage.uses {
            let run = add("run", ["\(use.kind.rawValue) \(use.name)", "run " + use.runId.prefix(RunID.displayLength)])
            runNodes[use.runId] = run
            let source = use.through.flatMap { runNodes[$0] } ?? data
            edges.append(Edge(from: source, to: run, label: use.through == nil ? "read" : "read " + use.path))
            for version in use.versions {
                edges.append(Edge(from: run, to: add("version", [version]), label: "produced"))
            }
        }
    }

    private mutating func add(_ kind: String, _ label: [String]) -> Int {
        nodes.append(Node(kind: kind, label: label))
        return nodes.count - 1
    }

    /// Mermaid `flowchart LR` text; data are cylinders, stages and runs boxes, versions rounded, commits hexagons.
    public var mermaid: String {
        var text = "flowchart LR\n"
        for (index, node) in nodes.enumerated() {
            let label = "\"" + node.label.map(Self.mermaidEscaped).joined(separator: "<br/>") + "\""
            let shape: (String, String) =
                switch node.kind {
                case "data": ("[(", ")]")
                case "version": ("([", "])")
                case "commit": ("{{", "}}")
                default: ("[", "]")
                }
            text += "  n\(index)\(shape.0)\(label)\(shape.1)\n"
        }
        for edge in edges {
            let label = Self.mermaidEscaped(edge.label).replacingOccurrences(of: "|", with: "#124;")
            text += "  n\(edge.from) -->|\"\(label)\"| n\(edge.to)\n"
        }
        return text
    }

    /// Graphviz DOT text of a left-to-right `digraph`.
    public var dot: String {
        var text = "digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n"
        for (index, node) in nodes.enumerated() {
            let label = node.label.map(Self.dotEscaped).joined(separator: "\\n")
            let shape =
                switch node.kind {
                case "data": "cylinder"
                case "version": "ellipse"
                case "commit": "hexagon"
                default: "box"
                }
            text += "  n\(index) [label=\"\(label)\", shape=\(shape)];\n"
        }
        for edge in edges { text += "  n\(edge.from) -> n\(edge.to) [label=\"\(Self.dotEscaped(edge.label))\"];\n" }
        return text + "}\n"
    }

    /// Text inside a quoted Mermaid label: quotes, angle brackets, `&` and `#` as entity codes, control characters
    /// as spaces.
    static func mermaidEscaped(_ text: String) -> String {
        escaped(text, ["#": "#35;", "\"": "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"])
    }

    /// Text inside a quoted DOT label: backslashes and quotes escaped, control characters as spaces.
    static func dotEscaped(_ text: String) -> String { escaped(text, ["\\": "\\\\", "\"": "\\\""]) }

    private static func escaped(_ text: String, _ replacements: [Unicode.Scalar: String]) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            if let replacement = replacements[scalar] {
                escaped += replacement
            } else if scalar.properties.generalCategory == .control {
                escaped += " "
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
