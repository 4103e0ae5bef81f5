import Foundation

/// Text from the data (column names, categories, descriptions, reasons) made safe to place in HTML and inline SVG.
enum HTMLText {
    /// `text` with every character that could end an element, an attribute or an entity replaced by a character
    /// reference, so the result is safe both as element content and inside a double- or single-quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            // Control characters other than whitespace are parse errors in HTML (and NUL is dropped or mangled
            // differently by each parser): show them as the replacement character rather than guess.
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `text` cut to at most `limit` characters (grapheme clusters, so an emoji or accent is never split), ending
    /// in an ellipsis when it was cut; for labels whose full text goes in a tooltip.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard limit > 1, text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
