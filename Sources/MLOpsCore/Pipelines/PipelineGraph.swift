import MLOpsErrors

/// The stages of a pipeline and which feed which: stage B depends on stage A when one of B's deps is one of
/// A's outs or lies inside it (or contains it).
public struct PipelineGraph: Sendable {
    public let stages: [Stage]
    /// For each stage (by index), the indices of the stages it depends on.
    public let upstream: [[Int]]

    /// Builds the graph; two stages writing the same output or metrics file, or a cycle, is an `invalidInput`
    /// error naming them.
    public init(stages: [Stage]) throws {
        self.stages = stages
        var producer: [String: Int] = [:]
        for (index, stage) in stages.enumerated() {
            for out in stage.outs {
                if let (otherOut, other) = producer.first(where: { WorkspacePath.overlap($0.key, out) }) {
                    let otherName = stages[other].name
                    throw MLOpsError(
                        .invalidInput,
                        otherOut == out
                            ? "stages '\(otherName)' and '\(stage.name)' both write '\(out)'"
                            : "stage '\(otherName)' writes '\(otherOut)' and stage '\(stage.name)' writes '\(out)', which overlap",
                        hint: "each output must come from one stage, and no output may lie inside another")
                }
                producer[out] = index
            }
            try Self.checkOutputs(of: stage)
        }
        let overlaps = WorkspacePath.overlap
        // A failed stage's metrics files are put back as they were: two stages sharing one, or one stage's
        // metrics inside another's output, would undo each other's results.
        var measurer: [String: Int] = [:]
        for (index, stage) in stages.enumerated() {
            for file in stage.metrics {
                if let other = measurer[file], other != index {
                    throw MLOpsError(
                        .invalidInput,
                        "stages '\(stages[other].name)' and '\(stage.name)' both write the metrics file '\(file)'",
                        hint: "give each stage its own metrics file")
                }
                if let (out, other) = producer.first(where: { $0.value != index && overlaps($0.key, file) }) {
                    throw MLOpsError(
                        .invalidInput,
                        "the metrics file '\(file)' of stage '\(stage.name)' overlaps '\(out)', an output of stage '\(stages[other].name)'",
                        hint: "give each stage its own metrics file, outside other stages' outputs")
                }
                measurer[file] = index
            }
        }
        upstream = stages.enumerated().map { index, stage in
            var sources: [Int] = []
            for dep in stage.deps {
                for (out, other) in producer where other != index && overlaps(dep, out) && !sources.contains(other) {
                    sources.append(other)
                }
            }
            return sources.sorted()
        }
        if let cycle = Self.findCycle(upstream) {
            throw MLOpsError(
                .invalidInput,
                "the pipeline has a cycle: " + (cycle + [cycle[0]]).map { stages[$0].name }.joined(separator: " → "),
                hint: "a stage cannot depend, directly or not, on its own outputs")
        }
    }

    /// Refuses outputs that would replace what the pipeline itself is made of (`mlops.yaml`, `mlops.lock`, the
    /// parameter files) or that overlap the stage's own dependencies: `repro` moves a stage's outputs aside
    /// before it runs, so such a stage would lose its own inputs.
    private static func checkOutputs(of stage: Stage) throws {
        // `${params.…}` reads the stage's params.yaml (in its wdir) even when no `params` names it.
        let parameterFiles =
            ["params.yaml"]
            + (["params.yaml"] + stage.params.keys).map { WorkspacePath.normalize(WorkspacePath.join(stage.wdir, $0)) }
        let reserved = [PipelineFile.name, PipelineLock.name] + parameterFiles
        for out in stage.outs {
            if let file = reserved.first(where: { $0 == out || $0.hasPrefix(out + "/") }) {
                throw MLOpsError(
                    .invalidInput, "stage '\(stage.name)' lists '\(out)' as an output, which would replace \(file)",
                    hint:
                        "a stage may not write the pipeline, its lock or its parameter files; choose another output path"
                )
            }
            if let dep = stage.deps.first(where: { WorkspacePath.overlap($0, out) }) {
                throw MLOpsError(
                    .invalidInput, "stage '\(stage.name)' both reads '\(dep)' and writes '\(out)'",
                    hint: "a stage's outputs are replaced when it runs; write to a path it does not read")
            }
        }
    }

    /// The stages in an order where each comes after all it depends on; ties keep file order.
    public var order: [Int] {
        var done = Set<Int>()
        var result: [Int] = []
        while result.count < stages.count {
            for index in stages.indices where !done.contains(index) && upstream[index].allSatisfy(done.contains) {
                done.insert(index)
                result.append(index)
            }
        }
        return result
    }

    /// The indices of the named stages and everything upstream of them (all stages when `names` is empty).
    public func selection(_ names: [String]) throws -> Set<Int> {
        guard !names.isEmpty else { return Set(stages.indices) }
        var selected = Set<Int>()
        var pending: [Int] = []
        for name in names {
            let matches = stages.indices.filter { stages[$0].name == name || stages[$0].name.hasPrefix(name + "@") }
            guard !matches.isEmpty else {
                throw MLOpsError(
                    .notFound, "no stage '\(name)' in mlops.yaml",
                    hint: "the stages are: \(stages.map(\.name).joined(separator: ", "))")
            }
            pending += matches
        }
        while let index = pending.popLast() {
            guard selected.insert(index).inserted else { continue }
            pending += upstream[index]
        }
        return selected
    }

    private static func findCycle(_ upstream: [[Int]]) -> [Int]? {
        var state = [Int](repeating: 0, count: upstream.count)  // 0 new, 1 on the path, 2 done
        var path: [Int] = []
        func visit(_ node: Int) -> [Int]? {
            state[node] = 1
            path.append(node)
            for next in upstream[node] {
                if state[next] == 1, let start = path.firstIndex(of: next) { return Array(path[start...]).reversed() }
                if state[next] == 0, let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            state[node] = 2
            return nil
        }
        for node in upstream.indices where state[node] == 0 {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }
}
