import Foundation

/// Where a position in a `/bin/sh` command stands (outside quotes, inside '…' or inside "…", also within command
/// substitutions), and how to write a value there so the shell reads it as exactly that text: no expansion, no
/// second command.
struct ShellQuoting {
    enum Context { case unquoted, single, double }

    /// A command substitution (`$(…)` or `` `…` ``) starts a new context inside the one it is in.
    private struct Frame {
        var context = Context.unquoted
        var parentheses = 0
        var backquoted = false
    }

    private var frames = [Frame()]
    private var escaped = false
    private var dollar = false

    /// The context at the current position.
    var context: Context { frames[frames.count - 1].context }

    /// Advances over `text`, which follows what was read before.
    mutating func read(_ text: Substring) {
        for character in text {
            let afterDollar = dollar
            dollar = false
            if escaped {
                escaped = false
                continue
            }
            let top = frames.count - 1
            switch (frames[top].context, character) {
            case (.unquoted, "\\"), (.double, "\\"): escaped = true
            case (.unquoted, "'"): frames[top].context = .single
            case (.unquoted, "\""): frames[top].context = .double
            case (.single, "'"), (.double, "\""): frames[top].context = .unquoted
            case (.unquoted, "$"), (.double, "$"): dollar = true
            case (.unquoted, "("), (.double, "("):
                if afterDollar { frames.append(Frame()) } else if frames[top].context == .unquoted { frames[top].parentheses += 1 }
            case (.unquoted, ")"):
                if frames[top].parentheses > 0 {
                    frames[top].parentheses -= 1
                } else if frames.count > 1, !frames[top].backquoted {
                    frames.removeLast()
                }
            case (.unquoted, "`"), (.double, "`"):
                if frames[top].backquoted, frames[top].context == .unquoted {
                    frames.removeLast()
                } else {
                    frames.append(Frame(backquoted: true))
                }
            default: break
            }
        }
    }

    /// `value` as literal text at the current position. Outside quotes a plain word (letters, digits and
    /// `_-.,:/=+@%`) stays as it is, so commands with ordinary values keep their text; anything else is
    /// single-quoted.
    func quote(_ value: String) -> String {
        switch context {
        case .unquoted:
            let plain = !value.isEmpty && value.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.,:/=+@%".unicodeScalars.contains($0))
            }
            return plain ? value : "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
        case .single:
            return value.replacingOccurrences(of: "'", with: "'\\''")
        case .double:
            var quoted = ""
            for character in value {
                if "\\\"$`".contains(character) { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted
        }
    }
}
