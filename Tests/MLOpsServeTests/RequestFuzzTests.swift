import Foundation
import MLOpsLearn
import MLOpsTestSupport
import NIOCore
import Testing

@testable import MLOpsServe

/// Request bodies from hostile clients: every fuzz case of both protocols (JSON and binary tensors) is answered
/// or refused with a 4xx ``RequestError``, never a trap, and whatever is accepted predicts and renders. The
/// strictness cases below each used to be accepted.
@Suite struct RequestFuzzTests {
    private static func servedModel() throws -> ServedModel {
        let directory = try TemporaryDirectory()
        let text =
            "x,color,y\n"
            + (0..<40).map { "\($0 % 9),\(["red", "blue"][$0 % 2]),\(["a", "b", "c"][$0 % 3])" }
            .joined(separator: "\n") + "\n"
        try Fixtures.write(text, to: directory.url("data.csv"))
        let table = try CSVReader(categoricalColumns: ["color", "y"]).read(path: directory.url("data.csv"))
        let model = try Training.train(
            TrainingRequest(table: table, target: "y", learner: .gbdt, parameters: ["rounds": "3", "max_leaves": "4"]))
        return try ServedModel(name: "m", version: 1, revision: "1", oid: "sha256:0", model: model)
    }

    private static func isClientError(_ error: any Error) -> Bool {
        guard let error = error as? RequestError else { return false }
        return (400..<500).contains(error.status.code) && !error.message.isEmpty
    }

    @Test func mlflowBodies() throws {
        let model = try Self.servedModel()
        var fuzzer = Fuzzer("mlflow-body")
        let samples = [
            #"{"dataframe_split": {"columns": ["x", "color"], "data": [[1, "red"], [2.5, null], [3, "green"]]}}"#,
            #"{"dataframe_records": [{"x": 1, "color": "blue"}, {"x": -4, "color": "red", "extra": 1}]}"#,
            #"{"instances": {"x": [1, 2], "color": ["red", "blue"]}}"#,
            #"{"inputs": {"x": 7, "color": "red"}}"#,
        ].map { Array($0.utf8) }
        fuzzer.run(samples: samples, structured: true, isDocumented: Self.isClientError) { bytes in
            let rows = try MLflowScoringRequest.decode(bytes, model: model, maximumRows: 64)
            let predictions = try model.compiled.predict(encodedRows: rows.values)
            _ = PredictionRendering.mlflow(predictions.values, of: model)
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test func openInferenceBodiesWithJSONAndBinaryTensors() throws {
        let model = try Self.servedModel()
        var fuzzer = Fuzzer("open-inference-body")
        let json = [
            #"{"id": "r1", "inputs": [{"name": "x", "shape": [2], "datatype": "FP64", "data": [1, 2]}, {"name": "color", "shape": [2, 1], "datatype": "BYTES", "data": ["red", "blue"]}], "outputs": [{"name": "label"}]}"#,
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "INT8", "data": [[3]]}, {"name": "color", "shape": [1], "datatype": "BYTES", "data": ["red"]}]}"#,
        ].map { Array($0.utf8) }
        // A binary request: the JSON header, then x as two FP32 values and color as two length-prefixed strings.
        let header = Array(
            #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}},{"name":"color","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":15}}]}"#
                .utf8)
        var binary = header
        for value in [Float(1.5), -2] { withUnsafeBytes(of: value.bitPattern.littleEndian) { binary += $0 } }
        for label in ["red", "blue"] {
            withUnsafeBytes(of: UInt32(label.utf8.count).littleEndian) { binary += $0 }
            binary += Array(label.utf8)
        }
        fuzzer.run(samples: json + [binary], structured: true, isDocumented: Self.isClientError) { bytes in
            // Binary cases keep the original header length, as a client's Inference-Header-Content-Length would.
            let isBinary =
                bytes.count > header.count && bytes.starts(with: header.prefix(20))
                && !bytes.starts(with: json[0].prefix(20))
            let request = try OpenInferenceRequest(
                body: ByteBuffer(bytes: bytes), jsonLength: isBinary ? header.count : nil, model: model, maximumRows: 64
            )
            let predictions = try model.compiled.predict(encodedRows: request.rows.values)
            _ = PredictionRendering.openInference(
                predictions.values, of: model, id: request.id, requestedOutputs: request.requestedOutputs)
        }
        #expect(fuzzer.failures.isEmpty, "\(fuzzer.summary)")
        #expect(fuzzer.accepted > fuzzer.cases / 100 && fuzzer.refused > fuzzer.cases / 100, "\(fuzzer.summary)")
    }

    @Test(arguments: [
        (
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1]}, {"name": "x", "shape": [1], "datatype": "FP64", "data": [2]}, {"name": "color", "shape": [1], "datatype": "BYTES", "data": ["red"]}]}"#,
            "given twice"
        ),
        (
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [true]}, {"name": "color", "shape": [1], "datatype": "BYTES", "data": ["red"]}]}"#,
            "a boolean"
        ),
        (
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "UINT8", "data": [256]}, {"name": "color", "shape": [1], "datatype": "BYTES", "data": ["red"]}]}"#,
            "not a UINT8 value"
        ),
        (
            #"{"inputs": [{"name": "x", "shape": [1], "datatype": "INT8", "data": [-129]}, {"name": "color", "shape": [1], "datatype": "BYTES", "data": ["red"]}]}"#,
            "not a INT8 value"
        ),
        (
            #"{"inputs": [{"name": "x", "shape": [1, 2147483648, 2147483648, 2147483648], "datatype": "FP64", "data": [1]}]}"#,
            "every input needs [rows] or [rows, 1]"
        ),
        (#"{"id": "a", "id": "b", "inputs": []}"#, "appears twice"),
        (
            #"{"inputs": [{"name": "x", "shape": [2147483648], "datatype": "FP64", "data": [1]}, {"name": "color", "shape": [2147483648], "datatype": "BYTES", "data": ["red"]}]}"#,
            "more than the body"
        ),
        (#"{"id": "\#(String(repeating: "i", count: 300))", "inputs": []}"#, "at most 256 bytes"),
    ])
    func strictOpenInferenceRequests(_ case: (body: String, problem: String)) throws {
        let model = try Self.servedModel()
        do {
            _ = try OpenInferenceRequest(
                body: ByteBuffer(string: `case`.body), jsonLength: nil, model: model, maximumRows: 64)
            Issue.record("accepted: \(`case`.body)")
        } catch {
            #expect(error.status == .badRequest && error.message.contains(`case`.problem), "\(error.message)")
        }
    }

    @Test func trailingBinaryBytesAndRepeatedColumnsAreRefused() throws {
        let model = try Self.servedModel()
        let header =
            #"{"inputs":[{"name":"x","shape":[1],"datatype":"UINT8","parameters":{"binary_data_size":1}},{"name":"color","shape":[1],"datatype":"BYTES","data":["red"]}]}"#
        var body = ByteBuffer(string: header)
        body.writeBytes([7, 99])
        #expect(throws: RequestError.self) {
            try OpenInferenceRequest(body: body, jsonLength: header.utf8.count, model: model, maximumRows: 64)
        }
        let repeated = Array(#"{"dataframe_split": {"columns": ["x", "x", "color"], "data": [[1, 2, "red"]]}}"#.utf8)
        #expect(throws: RequestError.self) { try MLflowScoringRequest.decode(repeated, model: model, maximumRows: 64) }
        let boolean = Array(#"{"dataframe_records": [{"x": true, "color": "red"}]}"#.utf8)
        #expect(throws: RequestError.self) { try MLflowScoringRequest.decode(boolean, model: model, maximumRows: 64) }
    }
}
