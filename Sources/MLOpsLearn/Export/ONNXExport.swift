import Foundation
import MLOpsErrors

/// Converts models to ONNX, so other runtimes (ONNX Runtime, Triton, KServe) serve the same predictions.
///
/// The graph takes one input per signature feature, named after it: `double [N, 1]` for numeric features (NaN
/// for missing values) and `string [N, 1]` for categorical ones (a label not among the training levels — the
/// empty string, say — counts as missing). It has one output: `prediction` (`double [N, 1]`) for regression,
/// `probabilities` (`double [N, classes]`, in signature order) for classification. Categorical features reach
/// trees as one 0/1 column per category set a split tests (`LabelEncoder`, unknown → NaN so it follows the
/// learned default direction) and linear models as the indicator columns the model was fitted on
/// (`OneHotEncoder`).
public enum ONNXExport {
    /// The ONNX bytes of `model`.
    ///
    /// An ONNX model registered as ONNX is its own bytes. Exports carry the target and, for classifiers, the
    /// classes as metadata (``ONNXModel/targetKey``, ``ONNXModel/classesKey``), so registering an export reads
    /// the same signature back.
    public static func encode(_ model: Model, producerVersion: String) throws(MLOpsError) -> [UInt8] {
        if let onnx = model.onnx { return Array(onnx.bytes) }
        let compiled = try CompiledModel(model)
        if let datetime = model.signature.datetimes?.first {
            throw MLOpsError(
                .invalidInput,
                "the model reads the datetime column '\(datetime.name)' and computes its calendar features itself, which an ONNX graph cannot express (ONNX has no operator that reads a date from text)",
                hint:
                    "serve it with `mlops serve` or `mlops export --format bundle`, or compute the calendar features in a pipeline stage and train on those columns"
            )
        }
        // Each categorical split becomes a LabelEncoder listing every level of its feature: refuse a graph that
        // would hold more entries than any runtime should load, before building it.
        let levelEntries = (model.trees?.trees ?? []).reduce(0) { total, tree in
            tree.feature.reduce(total) { $0 + (model.signature.features[$1].levels?.count ?? 0) }
        }
        guard levelEntries <= maximumLevelEntries else {
            throw MLOpsError(
                .invalidInput,
                "the model's categorical splits would list \(levelEntries) levels in the ONNX graph (at most \(maximumLevelEntries))",
                hint:
                    "retrain with fewer levels (group rare categories) to export it as ONNX; `mlops export --format bundle` has no such limit"
            )
        }
        var graph = ONNXGraph()
        let features = model.signature.features
        for feature in features { graph.input(feature.name, feature.kind == .numeric ? .double : .string) }
        let outputs = compiled.outputCount
        let scores: String
        if let linear = model.linear {
            scores = linearScores(linear, features: features, outputs: outputs, graph: &graph)
        } else if let ensemble = model.trees {
            scores = treeScores(ensemble, features: features, outputs: outputs, graph: &graph)
        } else {
            throw MLOpsError(.invalidInput, "the model has no parameters to export")
        }
        switch model.link {
        case .identity:
            graph.add("Identity", [scores], output: "prediction")
            graph.output("prediction", .double, width: 1)
            return graph.encoded(producerVersion: producerVersion, metadata: metadata(model))
        case .sigmoid:
            let positive = graph.add("Sigmoid", [scores])
            let one = graph.constant([1], dims: [1])
            graph.add(
                "Concat", [graph.add("Sub", [one, positive]), positive], [("axis", .int(1))], output: "probabilities")
        case .softmax:
            graph.add("Softmax", [scores], [("axis", .int(1))], output: "probabilities")
        case .probability where outputs == 1:
            let one = graph.constant([1], dims: [1])
            graph.add(
                "Concat", [graph.add("Sub", [one, scores]), scores], [("axis", .int(1))], output: "probabilities")
        case .probability:
            // max(score, 0) normalized to sum to one; a row of zeros becomes uniform, as CompiledModel does.
            let clipped = graph.add("Relu", [scores])
            let total = graph.add("ReduceSum", [clipped, graph.constant(int64s: [1])], [("keepdims", .int(1))])
            let empty = graph.add("Equal", [total, graph.constant([0], dims: [1])])
            let safeTotal = graph.add("Where", [empty, graph.constant([1], dims: [1]), total])
            let normalized = graph.add("Div", [clipped, safeTotal])
            let uniform = graph.constant([1 / Double(outputs)], dims: [1])
            graph.add("Where", [empty, uniform, normalized], output: "probabilities")
        }
        graph.output("probabilities", .double, width: Int64(model.signature.classes?.count ?? 2))
        return graph.encoded(producerVersion: producerVersion, metadata: metadata(model))
    }

    /// The most category levels the LabelEncoders of one exported graph may list together.
    public static let maximumLevelEntries = 5_000_000

    /// A categorical input as one `double [N, 1]` column: 1 for labels whose code is in `codes`, else 0, and NaN
    /// for labels the model never saw (so trees send them the missing-value way).
    /// The metadata properties of an export: its target, and a classifier's classes as a JSON array.
    private static func metadata(_ model: Model) -> [(String, String)] {
        var entries = [(ONNXModel.targetKey, model.signature.target)]
        if let classes = model.signature.classes, let json = try? JSONEncoder().encode(classes) {
            entries.append((ONNXModel.classesKey, String(decoding: json, as: UTF8.self)))
        }
        return entries
    }

    private static func indicator(_ feature: Signature.Feature, codes: Set<Int>, graph: inout ONNXGraph) -> String {
        let levels = feature.levels ?? []
        let encoded = graph.add(
            "LabelEncoder", domain: "ai.onnx.ml", [feature.name],
            [
                ("keys_strings", .strings(levels)),
                ("values_floats", .floats(levels.indices.map { codes.contains($0) ? 1 : 0 })),
                ("default_float", .float(.nan)),
            ])
        return graph.add("Cast", [encoded], [("to", .int(ONNXGraph.ElementType.double.rawValue))])
    }

    private static func linearScores(
        _ linear: LinearModel, features: [Signature.Feature], outputs: Int, graph: inout ONNXGraph
    ) -> String {
        var columns: [String] = []
        let zero = graph.constant([0], dims: [1])
        for (index, feature) in features.enumerated() {
            if let levels = feature.levels {
                guard levels.count > 1 else { continue }
                // Indicators for levels 1…n (level 0 is the reference); unknown or missing labels are all zeros.
                let hot = graph.add(
                    "OneHotEncoder", domain: "ai.onnx.ml", [feature.name],
                    [("cats_strings", .strings(Array(levels.dropFirst()))), ("zeros", .int(1))])
                let flat = graph.add("Squeeze", [hot, graph.constant(int64s: [1])])
                columns.append(graph.add("Cast", [flat], [("to", .int(ONNXGraph.ElementType.double.rawValue))]))
            } else {
                let centered = graph.add("Sub", [feature.name, graph.constant([linear.means[index]], dims: [1])])
                let scaled = graph.add("Div", [centered, graph.constant([linear.scales[index]], dims: [1])])
                columns.append(graph.add("Where", [graph.add("IsNaN", [scaled]), zero, scaled]))
            }
        }
        let width = linear.coefficients.first?.count ?? 0
        let encoded = columns.count == 1 ? columns[0] : graph.add("Concat", columns, [("axis", .int(1))])
        // MatMul wants [width, outputs]: the coefficients transposed.
        var weights: [Double] = []
        for column in 0..<width { for output in 0..<outputs { weights.append(linear.coefficients[output][column]) } }
        let product = graph.add("MatMul", [encoded, graph.constant(weights, dims: [Int64(width), Int64(outputs)])])
        return graph.add("Add", [product, graph.constant(linear.intercepts, dims: [Int64(outputs)])])
    }

    private static func treeScores(
        _ ensemble: TreeEnsemble, features: [Signature.Feature], outputs: Int, graph: inout ONNXGraph
    ) -> String {
        var columns: [String] = []
        var numericColumn: [Int: Int] = [:]
        for (index, feature) in features.enumerated() where feature.kind == .numeric {
            numericColumn[index] = columns.count
            columns.append(feature.name)
        }
        var setColumn: [String: Int] = [:]
        var treeIDs: [Int64] = [], nodeIDs: [Int64] = [], featureIDs: [Int64] = [], values: [Double] = []
        var modes: [String] = [], trueIDs: [Int64] = [], falseIDs: [Int64] = [], missingTrue: [Int64] = []
        var targetTrees: [Int64] = [], targetNodes: [Int64] = [], targetIDs: [Int64] = [], weights: [Double] = []
        for (number, tree) in ensemble.trees.enumerated() {
            let interiorCount = tree.feature.count
            // ONNX numbers each tree's nodes from 0: interiorCount nodes keep their index, leaf j follows them.
            func id(_ child: Int) -> Int64 { Int64(child >= 0 ? child : interiorCount + (-child - 1)) }
            for node in 0..<interiorCount {
                let feature = tree.feature[node]
                treeIDs.append(Int64(number))
                nodeIDs.append(Int64(node))
                if features[feature].kind == .categorical {
                    let codes = tree.categories[node]
                    let key = "\(feature):" + codes.map(String.init).joined(separator: ",")
                    if setColumn[key] == nil {
                        setColumn[key] = columns.count
                        columns.append(indicator(features[feature], codes: Set(codes), graph: &graph))
                    }
                    featureIDs.append(Int64(setColumn[key] ?? 0))
                    modes.append("BRANCH_GTE")
                    values.append(0.5)
                } else {
                    featureIDs.append(Int64(numericColumn[feature] ?? 0))
                    modes.append("BRANCH_LEQ")
                    values.append(tree.threshold[node])
                }
                trueIDs.append(id(tree.left[node]))
                falseIDs.append(id(tree.right[node]))
                missingTrue.append(tree.defaultLeft[node] ? 1 : 0)
            }
            for (leaf, weight) in tree.leafValues.enumerated() {
                treeIDs.append(Int64(number))
                nodeIDs.append(Int64(interiorCount + leaf))
                featureIDs.append(0)
                modes.append("LEAF")
                values.append(0)
                trueIDs.append(0)
                falseIDs.append(0)
                missingTrue.append(0)
                targetTrees.append(Int64(number))
                targetNodes.append(Int64(interiorCount + leaf))
                targetIDs.append(Int64(tree.output))
                weights.append(weight)
            }
        }
        let inputs = columns.isEmpty ? [graph.constant([0], dims: [1, 1])] : columns
        let matrix = inputs.count == 1 ? inputs[0] : graph.add("Concat", inputs, [("axis", .int(1))])
        let sums = graph.add(
            "TreeEnsembleRegressor", domain: "ai.onnx.ml", [matrix],
            [
                ("n_targets", .int(Int64(outputs))),
                ("aggregate_function", .string(ensemble.averaged ? "AVERAGE" : "SUM")),
                (
                    "base_values_as_tensor",
                    .doubles(ensemble.averaged ? [Double](repeating: 0, count: outputs) : ensemble.baseScores)
                ),
                ("nodes_treeids", .ints(treeIDs)), ("nodes_nodeids", .ints(nodeIDs)),
                ("nodes_featureids", .ints(featureIDs)),
                ("nodes_values_as_tensor", .doubles(values)), ("nodes_modes", .strings(modes)),
                ("nodes_truenodeids", .ints(trueIDs)), ("nodes_falsenodeids", .ints(falseIDs)),
                ("nodes_missing_value_tracks_true", .ints(missingTrue)),
                ("target_treeids", .ints(targetTrees)), ("target_nodeids", .ints(targetNodes)),
                ("target_ids", .ints(targetIDs)),
                ("target_weights_as_tensor", .doubles(weights)), ("post_transform", .string("NONE")),
            ])
        let scores = graph.add("Cast", [sums], [("to", .int(ONNXGraph.ElementType.double.rawValue))])
        // ONNX averages over all trees; a forest's classes each have their own trees, so rescale to per-class
        // averages (which the normalization of probabilities would cancel anyway, but regression needs).
        let perOutput = Double(ensemble.trees.count) / Double(max(1, ensemble.trees.count / max(outputs, 1)))
        guard ensemble.averaged, perOutput != 1 else { return scores }
        return graph.add("Mul", [scores, graph.constant([perOutput], dims: [1])])
    }
}
