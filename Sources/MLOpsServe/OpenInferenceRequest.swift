import Foundation
import Hummingbird
import MLOpsLearn
import NIOCore

/// A decoded Open Inference Protocol (KServe V2) inference request: named typed tensors, one per feature, each
/// holding one value per row, in JSON `data` (flat or nested, row-major) or, with the binary tensor data
/// extension, as little-endian bytes after the JSON header.
struct OpenInferenceRequest {
    /// The client's request id, echoed in the response.
    var id: String?
    var rows: InputRows
    /// The outputs the client asked for, or nil for all.
    var requestedOutputs: [String]?

    static let numericTypes: Set<String> = [
        "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64",
    ]

    /// Decodes `body` for `model`. `jsonLength` is the `Inference-Header-Content-Length` header when the client
    /// sends binary tensors.
    init(body: ByteBuffer, jsonLength: Int?, model: ServedModel, maximumRows: Int) throws(RequestError) {
        let bytes = body.readableBytesView
        let headerLength = jsonLength ?? bytes.count
        guard headerLength >= 0, headerLength <= bytes.count else {
            throw .badRequest("Inference-Header-Content-Length \(headerLength) exceeds the body's \(bytes.count) bytes")
        }
        let header = try JSONReader.parse(bytes.prefix(headerLength))
        guard header.isObject else { throw .badRequest("the body must be a JSON object with \"inputs\"") }
        var binary = bytes.dropFirst(headerLength)
        if let id = header["id"] {
            guard let text = id.string, text.utf8.count <= Self.maximumIdLength else {
                throw .badRequest("\"id\" must be a string of at most \(Self.maximumIdLength) bytes")
            }
            self.id = text
        }
        if let outputs = header["outputs"] {
            requestedOutputs = try (outputs.array ?? [.null]).map { output throws(RequestError) in
                guard let name = output["name"]?.string, model.outputNames.contains(name) else {
                    throw .badRequest(
                        "each requested output needs a \"name\" among: \(model.outputNames.joined(separator: ", "))")
                }
                return name
            }
        }
        guard let inputs = header["inputs"]?.array, !inputs.isEmpty else {
            throw .badRequest("the request needs \"inputs\": an array of tensors, one per feature")
        }
        let tensors = try inputs.map(Tensor.init)
        let rowCount = tensors[0].shape.first ?? 0
        // Every row needs at least a byte of the body for each input: a shape larger than that is a lie.
        guard rowCount <= bytes.count else {
            throw .badRequest(
                "input '\(tensors[0].name)' declares \(rowCount) rows, more than the body's \(bytes.count) bytes can hold"
            )
        }
        var encoder = try RowEncoder(model: model, rowCount: rowCount, maximumRows: maximumRows)
        for tensor in tensors {
            guard let position = encoder.position(of: tensor.name) else {
                throw .badRequest(
                    "unknown input '\(tensor.name)'; the model's inputs are: "
                        + model.signature.inputNames.joined(separator: ", "))
            }
            guard tensor.shape.first == rowCount, tensor.elementCount == rowCount else {
                throw .badRequest(
                    "input '\(tensor.name)' has shape \(tensor.shape), but every input needs one value per row: "
                        + "[\(rowCount)] or [\(rowCount), 1]")
            }
            if !encoder.takesText(position), tensor.datatype == "BYTES" {
                throw .badRequest("input '\(tensor.name)' is numeric: send it as FP64, FP32 or INT64, not BYTES")
            }
            guard !encoder.isProvided(position) else { throw .badRequest("input '\(tensor.name)' is given twice") }
            encoder.markProvided(position)
            if let size = tensor.binarySize {
                guard size >= 0, size <= binary.count else {
                    throw .badRequest(
                        "input '\(tensor.name)' declares \(size) binary bytes, but \(binary.count) follow")
                }
                try Self.decodeBinary(binary.prefix(size), of: tensor, position: position, into: &encoder)
                binary = binary.dropFirst(size)
            } else {
                guard let data = tensor.data else {
                    throw .badRequest("input '\(tensor.name)' has neither \"data\" nor a binary_data_size parameter")
                }
                var values: [FeatureValue] = []
                values.reserveCapacity(rowCount)
                try Self.flatten(data, of: tensor, into: &values)
                guard values.count == rowCount else {
                    throw .badRequest("input '\(tensor.name)' holds \(values.count) values for shape \(tensor.shape)")
                }
                for (row, value) in values.enumerated() {
                    try encoder.set(value, row: row, position: position)
                }
            }
        }
        guard binary.isEmpty else {
            throw .badRequest("\(binary.count) bytes follow the binary data the inputs declare")
        }
        rows = try encoder.finish()
    }

    /// The longest request id accepted: ids are logged with every prediction.
    static let maximumIdLength = 256

    /// One `$request_input`.
    private struct Tensor {
        var name: String
        var shape: [Int]
        var datatype: String
        var data: JSONValue?
        var binarySize: Int?

        var elementCount: Int { shape.reduce(1, *) }

        init(_ json: JSONValue) throws(RequestError) {
            guard let name = json["name"]?.string else { throw .badRequest("every input needs a \"name\"") }
            guard let dimensions = json["shape"]?.array, !dimensions.isEmpty else {
                throw .badRequest("input '\(name)' needs a \"shape\" such as [rows] or [rows, 1]")
            }
            let shape = dimensions.compactMap(\.integer)
            // One value per row: [rows] or [rows, 1] (which also keeps the element count from overflowing).
            guard shape.count == dimensions.count, shape.count <= 2, shape.count == 1 || shape[1] == 1,
                (0...(1 << 31)).contains(shape[0])
            else {
                throw .badRequest(
                    "input '\(name)' has shape \(dimensions.count <= 4 ? "\(shape)" : "of \(dimensions.count) dimensions"); every input needs [rows] or [rows, 1]"
                )
            }
            guard let datatype = json["datatype"]?.string,
                datatype == "BYTES" || OpenInferenceRequest.numericTypes.contains(datatype)
            else {
                throw .badRequest(
                    "input '\(name)' needs a \"datatype\": BOOL, INT8…INT64, UINT8…UINT64, FP16, FP32, FP64 or BYTES")
            }
            self.name = name
            self.shape = shape
            self.datatype = datatype
            data = json["data"]
            binarySize = json["parameters"]?["binary_data_size"]?.integer
        }
    }

    /// Reads `data` (flat or nested arrays) row-major into `values`, checking each value against the tensor's
    /// datatype: booleans only in BOOL tensors, whole numbers in range in integer ones.
    private static func flatten(_ data: JSONValue, of tensor: Tensor, into values: inout [FeatureValue])
        throws(RequestError)
    {
        switch data {
        case .array(let elements):
            for element in elements { try flatten(element, of: tensor, into: &values) }
        case .bool(let flag) where tensor.datatype == "BOOL":
            values.append(.number(flag ? 1 : 0))
        case .number(let number):
            if let range = integerRanges[tensor.datatype], !(number == number.rounded() && range.contains(number)) {
                throw .badRequest(
                    "input '\(tensor.name)': \(NumberText.format(number)) is not a \(tensor.datatype) value")
            }
            values.append(.number(number))
        default:
            guard let value = data.featureValue else {
                throw .badRequest(
                    "input '\(tensor.name)' holds \(data.kindName) where \(tensor.datatype) values should be")
            }
            values.append(value)
        }
    }

    /// The values each integer datatype holds.
    private static let integerRanges: [String: Range<Double>] = [
        "BOOL": 0..<2, "UINT8": 0..<0x1p8, "UINT16": 0..<0x1p16, "UINT32": 0..<0x1p32, "UINT64": 0..<0x1p64,
        "INT8": -0x1p7..<0x1p7, "INT16": -0x1p15..<0x1p15, "INT32": -0x1p31..<0x1p31, "INT64": -0x1p63..<0x1p63,
    ]

    /// Reads one tensor's binary data: little-endian numbers of the datatype's size, or for BYTES a 4-byte length
    /// before each element.
    private static func decodeBinary(
        _ bytes: ByteBufferView.SubSequence, of tensor: Tensor, position: Int, into encoder: inout RowEncoder
    ) throws(RequestError) {
        let rows = tensor.elementCount
        var offset = bytes.startIndex
        func take(_ count: Int) throws(RequestError) -> ByteBufferView.SubSequence {
            guard bytes.endIndex - offset >= count else {
                throw .badRequest("input '\(tensor.name)': its binary data ends early")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }
        func integer(_ count: Int) throws(RequestError) -> UInt64 {
            var value: UInt64 = 0
            for (shift, byte) in try take(count).enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
            return value
        }
        for row in 0..<rows {
            switch tensor.datatype {
            case "BYTES":
                let length = Int(try integer(4))
                let text = String(decoding: try take(length), as: UTF8.self)
                try encoder.setText(text, row: row, position: position)
            case "BOOL", "UINT8": try encoder.setNumber(Double(try integer(1)), row: row, position: position)
            case "UINT16": try encoder.setNumber(Double(try integer(2)), row: row, position: position)
            case "UINT32": try encoder.setNumber(Double(try integer(4)), row: row, position: position)
            case "UINT64": try encoder.setNumber(Double(try integer(8)), row: row, position: position)
            case "INT8":
                try encoder.setNumber(Double(Int8(truncatingIfNeeded: try integer(1))), row: row, position: position)
            case "INT16":
                try encoder.setNumber(Double(Int16(truncatingIfNeeded: try integer(2))), row: row, position: position)
            case "INT32":
                try encoder.setNumber(Double(Int32(truncatingIfNeeded: try integer(4))), row: row, position: position)
            case "INT64": try encoder.setNumber(Double(Int64(bitPattern: try integer(8))), row: row, position: position)
            case "FP16": try encoder.setNumber(Self.halfToDouble(UInt16(try integer(2))), row: row, position: position)
            case "FP32":
                try encoder.setNumber(Double(Float(bitPattern: UInt32(try integer(4)))), row: row, position: position)
            default: try encoder.setNumber(Double(bitPattern: try integer(8)), row: row, position: position)
            }
        }
        guard offset == bytes.endIndex else {
            throw .badRequest(
                "input '\(tensor.name)': \(bytes.endIndex - offset) binary bytes are left over for shape \(tensor.shape)"
            )
        }
    }

    /// IEEE 754 half precision to Double (Float16 is not available on every platform Swift builds for).
    private static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
