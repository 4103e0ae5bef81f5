/// Writes a ``TreeEnsemble`` as the JSON `JSONEncoder` writes for it in `model.json` (keys sorted, snake_case,
/// numbers as their shortest round-tripping text without a trailing `.0`), byte for byte, at a tenth of the
/// cost: the trees are nearly all of a model's bytes, and a model is encoded every time one is trained.
/// `ModelFormatTests` checks the bytes against `JSONEncoder`'s for every learner and task.
enum TreeEnsembleJSON {
    static func write(_ ensemble: TreeEnsemble, into bytes: inout [UInt8]) {
        bytes += Array(#"{"averaged":"#.utf8)
        bytes += Array((ensemble.averaged ? "true" : "false").utf8)
        bytes += Array(#","base_scores":"#.utf8)
        EncoderText.numbers(ensemble.baseScores, into: &bytes)
        bytes += Array(#","trees":["#.utf8)
        for (index, tree) in ensemble.trees.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Array(#"{"categories":["#.utf8)
            for (position, set) in tree.categories.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                EncoderText.integers(set, into: &bytes)
            }
            bytes += Array(#"],"default_left":["#.utf8)
            for (position, flag) in tree.defaultLeft.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += Array((flag ? "true" : "false").utf8)
            }
            bytes += Array(#"],"feature":"#.utf8)
            EncoderText.integers(tree.feature, into: &bytes)
            bytes += Array(#","leaf_values":"#.utf8)
            EncoderText.numbers(tree.leafValues, into: &bytes)
            bytes += Array(#","left":"#.utf8)
            EncoderText.integers(tree.left, into: &bytes)
            bytes += Array(#","output":"#.utf8)
            bytes += Array(String(tree.output).utf8)
            bytes += Array(#","right":"#.utf8)
            EncoderText.integers(tree.right, into: &bytes)
            bytes += Array(#","threshold":"#.utf8)
            EncoderText.numbers(tree.threshold, into: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes += Array("]}".utf8)
    }
}
