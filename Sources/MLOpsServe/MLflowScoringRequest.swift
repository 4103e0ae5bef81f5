/// A decoded MLflow scoring request (`POST /invocations`, `application/json`), in any of its four shapes:
/// `dataframe_split` (`columns` + `data` rows), `dataframe_records` (one object per row), and `instances` or
/// `inputs` (records, one object of columns, or one record). Columns the model does not read are ignored, as
/// MLflow does.
enum MLflowScoringRequest {
    static let shapes = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    static func decode(_ body: some Collection<UInt8>, model: ServedModel, maximumRows: Int) throws(RequestError)
        -> InputRows
    {
        let object = try JSONReader.parse(body)
        let given = shapes.filter { object[$0] != nil }
        guard given.count == 1, let key = given.first, let payload = object[key] else {
            throw .badRequest(
                given.isEmpty
                    ? "the body needs one of: \(shapes.joined(separator: ", "))"
                    : "the body has \(given.joined(separator: " and ")); give exactly one")
        }
        switch (key, payload) {
        case ("dataframe_split", _):
            let columns = payload["columns"]?.array ?? []
            let names = columns.compactMap(\.string)
            guard !columns.isEmpty, names.count == columns.count, let data = payload["data"]?.array else {
                throw .badRequest("dataframe_split needs \"columns\" (names) and \"data\" (an array of rows)")
            }
            if let repeated = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) }) {
                throw .badRequest("dataframe_split lists column '\(repeated.element.prefix(64))' twice")
            }
            return try rows(columns: names, data: data, model: model, maximumRows: maximumRows)
        case (_, .array(let records)):
            return try rows(records: records, model: model, maximumRows: maximumRows)
        case ("instances", .object(let members)), ("inputs", .object(let members)):
            if members.allSatisfy({ $0.1.array != nil }) {
                return try rows(columnar: members, model: model, maximumRows: maximumRows)
            }
            return try rows(records: [payload], model: model, maximumRows: maximumRows)
        default:
            throw .badRequest("\(key) needs an array of objects (one per row)")
        }
    }

    private static func rows(
        columns: [String], data: [JSONValue], model: ServedModel, maximumRows: Int
    ) throws(RequestError) -> InputRows {
        var encoder = try RowEncoder(model: model, rowCount: data.count, maximumRows: maximumRows)
        let positions = columns.map { encoder.position(of: $0) }
        for position in positions.compactMap({ $0 }) { encoder.markProvided(position) }
        for (row, values) in data.enumerated() {
            guard let values = values.array, values.count == columns.count else {
                throw .badRequest("row \(row) of dataframe_split needs \(columns.count) values, one per column")
            }
            for (column, value) in values.enumerated() {
                guard let position = positions[column] else { continue }
                try encoder.set(try feature(value, row: row, column: columns[column]), row: row, position: position)
            }
        }
        return try encoder.finish()
    }

    private static func rows(
        records: [JSONValue], model: ServedModel, maximumRows: Int
    ) throws(RequestError) -> InputRows {
        var encoder = try RowEncoder(model: model, rowCount: records.count, maximumRows: maximumRows)
        for (row, record) in records.enumerated() {
            guard record.isObject else { throw .badRequest("row \(row) must be an object of feature values") }
            for (position, input) in model.inputs.enumerated() {
                guard let value = record[input.name] else {
                    throw .badRequest("row \(row) lacks feature '\(input.name)'")
                }
                try encoder.set(try self.feature(value, row: row, column: input.name), row: row, position: position)
            }
        }
        for position in model.inputs.indices { encoder.markProvided(position) }
        return try encoder.finish()
    }

    private static func rows(
        columnar: [(String, JSONValue)], model: ServedModel, maximumRows: Int
    ) throws(RequestError) -> InputRows {
        let rowCount = columnar.first?.1.array?.count ?? 0
        var encoder = try RowEncoder(model: model, rowCount: rowCount, maximumRows: maximumRows)
        for (name, column) in columnar {
            guard let position = encoder.position(of: name), let values = column.array else { continue }
            guard values.count == rowCount else {
                throw .badRequest("column '\(name)' has \(values.count) values, others \(rowCount)")
            }
            encoder.markProvided(position)
            for (row, value) in values.enumerated() {
                try encoder.set(try feature(value, row: row, column: name), row: row, position: position)
            }
        }
        return try encoder.finish()
    }

    private static func feature(_ value: JSONValue, row: Int, column: String) throws(RequestError) -> FeatureValue {
        guard let feature = value.featureValue else {
            throw .badRequest(
                "row \(row), column '\(column)': expected a number, a string or null, not \(value.kindName)")
        }
        return feature
    }
}
