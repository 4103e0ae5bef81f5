import MLOpsLearn

/// How predictions read in responses and in the log.
enum PredictionRendering {
    /// One value per row: the number for regression, the most probable class label for classification.
    static func writeValues(_ predictions: [Double], of model: ServedModel, into json: inout JSONWriter) {
        let width = model.compiled.predictionWidth
        let rows = predictions.count / width
        guard let classes = model.signature.classes else {
            json.array(predictions) { json, value in json.number(value) }
            return
        }
        json.array(0..<rows) { json, row in json.string(classes[bestClass(predictions, row: row, width: width)]) }
    }

    /// The index of the most probable class of `row` (the first on ties).
    static func bestClass(_ probabilities: [Double], row: Int, width: Int) -> Int {
        var best = 0
        for k in 1..<width where probabilities[row * width + k] > probabilities[row * width + best] { best = k }
        return best
    }

    /// The Open Inference Protocol response body.
    static func openInference(
        _ predictions: [Double], of model: ServedModel, id: String?, requestedOutputs: [String]?
    ) -> [UInt8] {
        let width = model.compiled.predictionWidth
        let rows = predictions.count / width
        var json = JSONWriter(capacity: 128 + 24 * predictions.count)
        json.raw("{\"model_name\":")
        json.string(model.name)
        json.raw(",\"model_version\":")
        json.string(String(model.version))
        if let id {
            json.raw(",\"id\":")
            json.string(id)
        }
        json.raw(",\"outputs\":[")
        let outputs = requestedOutputs ?? model.outputNames
        for (index, output) in outputs.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{\"name\":")
            json.string(output)
            switch output {
            case "label":
                json.raw(",\"datatype\":\"BYTES\",\"shape\":[\(rows)],\"data\":")
                writeValues(predictions, of: model, into: &json)
            case "probabilities":
                json.raw(",\"datatype\":\"FP64\",\"shape\":[\(rows),\(width)],\"data\":")
                json.array(predictions) { json, value in json.number(value) }
            default:
                json.raw(",\"datatype\":\"FP64\",\"shape\":[\(rows)],\"data\":")
                json.array(predictions) { json, value in json.number(value) }
            }
            json.raw("}")
        }
        json.raw("]}")
        return json.bytes
    }

    /// The MLflow scoring protocol response body: `{"predictions": [...]}`.
    static func mlflow(_ predictions: [Double], of model: ServedModel) -> [UInt8] {
        var json = JSONWriter(capacity: 24 + 24 * predictions.count)
        json.raw("{\"predictions\":")
        writeValues(predictions, of: model, into: &json)
        json.raw("}")
        return json.bytes
    }
}
