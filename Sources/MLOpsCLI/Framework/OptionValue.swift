import MLOpsErrors

/// Library errors describe a refused value (a filter, a gate, a search dimension) without knowing where it came
/// from; the command knows the option that gave it, and names it here.
enum OptionValue {
    /// The result of `parse`, or its error with `option` in front of the message and `example` as the hint.
    static func parse<Value>(_ option: String, example: String, _ parse: () throws -> Value) throws -> Value {
        do {
            return try parse()
        } catch let error as MLOpsError {
            var named = error
            named.message = "\(option): \(error.message)"
            named.hint = "for example: \(example)"
            throw named
        }
    }
}
