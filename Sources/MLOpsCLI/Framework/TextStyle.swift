/// ANSI styling that turns itself off when colors are not allowed (not a terminal, `NO_COLOR`, `TERM=dumb`).
struct TextStyle: Sendable {
    /// Whether escape sequences are emitted.
    let enabled: Bool

    func bold(_ text: String) -> String { wrap(text, "1") }
    func dim(_ text: String) -> String { wrap(text, "2") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Columns of text padded to a common width, the way `git` and `docker` print lists.
struct TextTable {
    private var rows: [[String]] = []
    private let header: [String]?

    init(header: [String]? = nil) { self.header = header }

    mutating func append(_ row: [String]) { rows.append(row) }

    var isEmpty: Bool { rows.isEmpty }

    /// The aligned lines. `style` bolds the header; cell text may carry escape sequences, which are not counted.
    func rendered(style: TextStyle) -> String {
        let all = (header.map { [$0] } ?? []) + rows
        let columnCount = all.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columnCount)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.visibleWidth(cell)) }
        }
        var output = ""
        for (rowIndex, row) in all.enumerated() {
            var line = ""
            for (index, cell) in row.enumerated() {
                let isLast = index == row.count - 1
                let padded =
                    isLast ? cell : cell + String(repeating: " ", count: widths[index] - Self.visibleWidth(cell) + 2)
                line += (header != nil && rowIndex == 0) ? style.bold(padded) : padded
            }
            output += line + "\n"
        }
        return output
    }

    /// The table as GitHub-flavoured Markdown (for a pull-request comment): the header row (empty headings when
    /// there is none), a separator, one line per row. Markdown's punctuation in cells (`|`, `\\`, backticks, `*`,
    /// `_`, `<`, `>`, brackets) is escaped and line breaks become spaces, so no cell can end the table, format
    /// text, open a code span or make a link.
    func markdown() -> String {
        let columnCount = ((header.map { [$0] } ?? []) + rows).map(\.count).max() ?? 0
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: columnCount - cells.count)
            return "| " + padded.map(Self.markdownCell).joined(separator: " | ") + " |\n"
        }
        return line(header ?? Array(repeating: "", count: columnCount))
            + line(Array(repeating: "---", count: columnCount)) + rows.map(line).joined()
    }

    private static func markdownCell(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "|", "\\", "`", "*", "_", "<", ">", "[", "]": escaped += "\\" + String(character)
            case "\n", "\r", "\r\n": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}
