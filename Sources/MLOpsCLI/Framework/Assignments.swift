import ArgumentParser

/// `name=value` arguments (`--param`, `model tag`).
enum Assignments {
    static func parse(_ assignments: [String], option: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("\(option) expects name=value, not '\(assignment)'")
            }
            values[parts[0]] = parts[1]
        }
        return values
    }
}
